"""Run the fake Stripe on loopback: `python -m payments.devstripe --port 8420`.

localstripe's stock command listens on every interface and pickles its state to /tmp after every
write; this launcher binds 127.0.0.1 only, keeps state in memory, adds Connect (connect.py) and can
register one webhook endpoint at start (our /payments/stripe/webhook/).

`--state FILE` (used by `make run` only) keeps the state across restarts instead: localstripe's own
store pickling, redirected from /tmp to FILE, plus the saved Idempotency-Key responses; the file is
loaded at start and rewritten atomically after every write. The demo database keeps Stripe ids
(accounts, PaymentIntents, transfers), so the fake Stripe must still know them after a restart.
Tests run without it: each session starts from an empty, in-memory fake Stripe.
"""

import argparse
import asyncio
import logging
import os
import pickle
import sys
from pathlib import Path


def _persist_to(path: Path, store, connect) -> None:
    """Load the state in `path` (if any) and make every store write save it there."""
    if path.exists():
        with path.open("rb") as f:
            saved = pickle.load(f)  # noqa: S301 (our own file, written by this process)
        store.clear()
        dict.update(store, saved["store"])
        connect._idempotent.update(saved["idempotent"])

    def dump() -> None:
        tmp = path.with_name(path.name + ".tmp")
        with tmp.open("wb") as f:
            state = {"store": dict(store), "idempotent": connect._idempotent}
            pickle.dump(state, f, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp, path)

    store.dump_to_disk = dump


def build_app(*, base_url: str, state: str = ""):
    # localstripe is a development dependency (requirements-dev.txt), and `connect` patches it
    # as it loads: both only once the fake server is built.
    from localstripe import resources
    from localstripe.server import app

    from . import connect

    if state:
        Path(state).parent.mkdir(parents=True, exist_ok=True)
        _persist_to(Path(state), resources.store, connect)
    else:
        # State in memory only: no pickle written to /tmp by every request.
        resources.store.dump_to_disk = lambda: None
    connect.install(app, base_url=base_url)
    return app


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--port", type=int, default=8420)
    parser.add_argument("--webhook-url", default="")
    parser.add_argument("--webhook-secret", default="")
    parser.add_argument("--pidfile", default="")
    parser.add_argument("--state", default="", help="keep the state in this file (make run)")
    parser.add_argument("--quiet", action="store_true")
    args = parser.parse_args(argv)

    from aiohttp import web
    from localstripe.webhooks import register_webhook

    base_url = f"http://127.0.0.1:{args.port}"
    app = build_app(base_url=base_url, state=args.state)
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
