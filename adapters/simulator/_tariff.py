"""A simulated B2C tariff: the charge Daraja takes from the utility account per payout.

Safaricom's real tariff changes over time and by contract; this table only has to be plausible
and deterministic. Default bands (KES, inclusive): 0-100 free, 101-1500 -> 5, 1501-5000 -> 9,
5001-20000 -> 11, 20001-250000 -> 13; above the last band the last charge applies.
"""

from __future__ import annotations

from decimal import Decimal

import attrs

__all__ = ["DEFAULT_TARIFF", "Tariff", "TariffBand"]


@attrs.frozen
class TariffBand:
    """Payouts from `low` to `high` shillings (both inclusive) cost `charge`."""

    low: Decimal = attrs.field(converter=Decimal)
    high: Decimal = attrs.field(converter=Decimal)
    charge: Decimal = attrs.field(converter=Decimal)


@attrs.frozen
class Tariff:
    """An ordered table of bands; `charge_for` looks an amount up."""

    bands: tuple[TariffBand, ...]

    def charge_for(self, amount: Decimal) -> Decimal:
        """The charge for a payout of `amount`, with cents."""
        for band in self.bands:
            if band.low <= amount <= band.high:
                return band.charge.quantize(Decimal("0.01"))
        if self.bands and amount > self.bands[-1].high:
            return self.bands[-1].charge.quantize(Decimal("0.01"))
        return Decimal("0.00")


DEFAULT_TARIFF = Tariff(
    (
        TariffBand(0, 100, 0),
        TariffBand(101, 1500, 5),
        TariffBand(1501, 5000, 9),
        TariffBand(5001, 20000, 11),
        TariffBand(20001, 250000, 13),
    )
)
