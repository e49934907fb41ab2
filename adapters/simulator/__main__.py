"""Run the simulator by hand: ``python -m adapters.simulator --port 0`` prints its URL."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from adapters.serving import serve_in_thread

from ._app import create_simulator_app
from ._config import SimulatorConfig

__all__ = ["main"]


def main(argv: Sequence[str] | None = None) -> int:
    """Serve a simulator until interrupted (Ctrl-C); return the exit status."""
    parser = argparse.ArgumentParser(prog="python -m adapters.simulator", description=__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=0, help="0 lets the OS choose")
    parser.add_argument("--shortcode", default=SimulatorConfig().shortcode)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    config = SimulatorConfig(shortcode=args.shortcode, seed=args.seed)
    server = serve_in_thread(
        create_simulator_app(config), args.host, args.port, name="daraja-simulator"
    )
    print(f"Daraja simulator listening on {server.url}", flush=True)
    print(f"consumer key/secret: {config.consumer_key}:{config.consumer_secret}", flush=True)
    try:
        server.wait()
    except KeyboardInterrupt:
        pass
    finally:
        server.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
