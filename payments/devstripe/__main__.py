"""Run the fake Stripe on loopback: `python -m payments.devstripe --port 8420`.

localstripe's stock command listens on every interface and pickles its state to /tmp after every
write; this launcher binds 127.0.0.1 only, keeps state in memory, adds Connect (connect.py) and can
register one webhook endpoint at start (our /payments/stripe/webhook/).
"""

import argparse
import asyncio
import logging
import os
import sys


def build_app(*, base_url: str):
    from localstripe import resources
    from localstripe.server import app

    # State in memory only: no pickle written to /tmp by every request.
    resources.store.dump_to_disk = lambda: None
    from . import connect

    connect.install(app, base_url=base_url)
    return app


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--port", type=int, default=8420)
    parser.add_argument("--webhook-url", default="")
    parser.add_argument("--webhook-secret", default="")
    parser.add_argument("--pidfile", default="")
    parser.add_argument("--quiet", action="store_true")
    args = parser.parse_args(argv)

    from aiohttp import web
    from localstripe.webhooks import register_webhook

    base_url = f"http://127.0.0.1:{args.port}"
    app = build_app(base_url=base_url)
    if args.webhook_url and args.webhook_secret:
        register_webhook("aux", args.webhook_url, args.webhook_secret, None)
    if args.pidfile:
        with open(args.pidfile, "w") as f:
            f.write(str(os.getpid()))
    logging.basicConfig(level=logging.WARNING if args.quiet else logging.INFO)
    print(f"devstripe: fake Stripe (test mode) on {base_url}", file=sys.stderr, flush=True)
    asyncio.set_event_loop(asyncio.new_event_loop())
    web.run_app(app, host="127.0.0.1", port=args.port, print=None, access_log=None)


if __name__ == "__main__":
    main()
