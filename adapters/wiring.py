"""Building the running parts from Settings: the store, the Daraja client and gateway, the payout
service and the projections. The CLI, the receiver and the demo all assemble themselves here."""

from __future__ import annotations

from adapters.config import Settings
from adapters.daraja import MpesaClient
from adapters.gateway import DarajaGateway
from adapters.receiver import ReceiverConfig
from ledger import CallbackUrlBuilder, EngineOptions, EventStore, PayoutService


def open_store(settings: Settings) -> EventStore:
    return EventStore.from_url(
        settings.db, options=EngineOptions(sqlite_synchronous=settings.sqlite_synchronous)
    )


def make_client(settings: Settings) -> MpesaClient:
    key, secret = settings.require_daraja_credentials()
    return MpesaClient(
        consumer_key=key,
        consumer_secret=secret,
        environment=settings.environment,
        base_url=settings.daraja_base_url,
    )


def make_service(
    settings: Settings, store: EventStore, client: MpesaClient | None = None
) -> PayoutService:
    gateway = DarajaGateway(
        client or make_client(settings),
        initiator_name=settings.initiator_name,
        security_credential=settings.credential(),
        shortcode=settings.shortcode,
    )
    secret = settings.callback_secret.encode() if settings.callback_secret else None
    return PayoutService(store, gateway, CallbackUrlBuilder(settings.callback_base_url, secret))


def receiver_config(settings: Settings) -> ReceiverConfig:
    return ReceiverConfig(
        allowed_ips=settings.allowed_ips,
        trusted_proxies=settings.trusted_proxies,
        max_body_bytes=settings.max_body_bytes,
    )
