"""Connect on top of localstripe: Accounts, Account Links, Transfers, Idempotency-Key replay.

Shapes, id prefixes (`acct_`, `tr_`) and error bodies follow Stripe's API reference closely enough
for the official SDK (and our gateway) to behave as it would against Stripe. Objects live in
localstripe's store, so `Event(type, obj)` and its signed webhooks work for them too. Public names
on the resource classes become JSON fields (localstripe exports every public attribute), hence
every helper method starts with an underscore.
"""

from __future__ import annotations

import asyncio
import hashlib
import html
from urllib.parse import urlencode

from aiohttp import web
from localstripe.errors import UserError
from localstripe.resources import Event, StripeObject, random_id, store, try_convert_to_int
from localstripe.server import get_post_data, json_response, unflatten_data
from localstripe.webhooks import schedule_webhook

ONBOARDING_FIELDS = [
    "business_profile.url",
    "external_account",
    "individual.dob.day",
    "individual.first_name",
    "individual.last_name",
    "tos_acceptance.date",
]


def _param_error(message: str, *, param: str | None = None, code: str | None = None, status=400):
    contents = {"message": message}
    if param:
        contents["param"] = param
    if code:
        contents["code"] = code
        contents["doc_url"] = f"https://stripe.com/docs/error-codes/{code.replace('_', '-')}"
    return UserError(status, message, contents)


def _missing(param: str) -> UserError:
    return _param_error(f"Missing required param: {param}.", param=param, code="parameter_missing")


def _no_such(kind: str, id: str, param: str | None = None) -> UserError:
    return _param_error(
        f"No such {kind}: '{id}'", param=param, code="resource_missing", status=404 if not param
        else 400,
    )  # fmt: skip


class Account(StripeObject):
    """A connected (Express) account: capabilities follow onboarding completion."""

    object = "account"
    _id_prefix = "acct_"

    def __init__(self, type=None, country=None, email=None, capabilities=None, metadata=None,
                 business_type=None, default_currency=None, **kwargs):  # fmt: skip
        kwargs.pop("controller", None)
        if kwargs:
            raise _param_error(
                f"Received unknown parameter: {next(iter(kwargs))}", param=next(iter(kwargs)),
                code="parameter_unknown",
            )  # fmt: skip
        if type is None:
            type = "express"
        if type not in ("express", "standard", "custom"):
            raise _param_error(
                f"Invalid type: must be one of custom, express, or standard (got {type!r})",
                param="type", code="parameter_invalid",
            )  # fmt: skip
        if metadata is not None and not isinstance(metadata, dict):
            raise _param_error("Invalid object", param="metadata", code="parameter_invalid")
        super().__init__()
        self.type = type
        self.country = (country or "FR").upper()
        self.email = email
        self.business_type = business_type
        self.default_currency = (default_currency or "eur").lower()
        self.metadata = metadata or {}
        self._requested = sorted((capabilities or {"transfers": {"requested": "true"}}).keys())
        self._onboarded = False
        self.details_submitted = False
        self.controller = {"type": "application", "is_controller": True}

    @property
    def capabilities(self):
        state = "active" if self._onboarded else "inactive"
        return dict.fromkeys(self._requested, state)

    @property
    def charges_enabled(self):
        return self._onboarded

    @property
    def payouts_enabled(self):
        return self._onboarded

    @property
    def requirements(self):
        due = [] if self._onboarded else list(ONBOARDING_FIELDS)
        return {
            "alternatives": [],
            "current_deadline": None,
            "currently_due": due,
            "disabled_reason": None if self._onboarded else "requirements.past_due",
            "errors": [],
            "eventually_due": due,
            "past_due": due,
            "pending_verification": [],
        }

    @classmethod
    def _api_update(cls, id, **data):
        obj = cls._api_retrieve(id)
        for key in data:
            if key not in ("email", "metadata", "business_type", "default_currency"):
                raise _param_error(
                    f"Received unknown parameter: {key}", param=key, code="parameter_unknown"
                )
        obj._update(**data)
        schedule_webhook(Event("account.updated", obj))
        return obj

    @classmethod
    def _api_retrieve(cls, id):
        obj = store.get(cls.object + ":" + id)
        if obj is None:
            raise _param_error(
                f"No such account: '{id}'", code="resource_missing", status=404, param="account"
            )
        return obj

    def _complete_onboarding(self):
        if not self._onboarded:
            self._onboarded = True
            self.details_submitted = True
            schedule_webhook(Event("account.updated", self))


class AccountLink(StripeObject):
    """A one-time onboarding link; ours points at a local page that completes onboarding."""

    object = "account_link"
    _id_prefix = "acctlink_"
    _base_url = "http://127.0.0.1:8420"

    def __init__(self, account=None, refresh_url=None, return_url=None, type=None, **kwargs):
        kwargs.pop("collect", None)
        kwargs.pop("collection_options", None)
        if kwargs:
            key = next(iter(kwargs))
            raise _param_error(f"Received unknown parameter: {key}", param=key,
                               code="parameter_unknown")  # fmt: skip
        for name, value in (("account", account), ("type", type)):
            if not value:
                raise _missing(name)
        if type not in ("account_onboarding", "account_update"):
            raise _param_error(
                "Invalid type: must be one of account_onboarding or account_update",
                param="type", code="parameter_invalid",
            )  # fmt: skip
        if store.get("account:" + account) is None:
            raise _no_such("account", account, param="account")
        super().__init__()
        self.expires_at = self.created + 300
        query = urlencode({"return_url": return_url or "", "refresh_url": refresh_url or ""})
        self.url = f"{self._base_url}/_config/connect/onboarding/{account}?{query}"

    def _export(self, expand=None):
        # Stripe's account_link has no id.
        data = super()._export(expand=expand)
        data.pop("id", None)
        return data


class Transfer(StripeObject):
    """Money moved from the platform balance to a connected account (immediately, here)."""

    object = "transfer"
    _id_prefix = "tr_"

    def __init__(self, amount=None, currency=None, destination=None, transfer_group=None,
                 description=None, metadata=None, source_transaction=None, **kwargs):  # fmt: skip
        if kwargs:
            key = next(iter(kwargs))
            raise _param_error(f"Received unknown parameter: {key}", param=key,
                               code="parameter_unknown")  # fmt: skip
        if amount is None:
            raise _missing("amount")
        if currency is None:
            raise _missing("currency")
        if destination is None:
            raise _missing("destination")
        parsed = try_convert_to_int(amount)
        if not isinstance(parsed, int) or isinstance(parsed, bool):
            raise _param_error(f"Invalid integer: {amount}", param="amount",
                               code="parameter_invalid_integer")  # fmt: skip
        if parsed < 1:
            raise _param_error("This value must be greater than or equal to 1.", param="amount",
                               code="parameter_invalid_integer")  # fmt: skip
        if not isinstance(currency, str) or len(currency) != 3:
            raise _param_error(f"Invalid currency: {currency}", param="currency",
                               code="parameter_invalid")  # fmt: skip
        account = store.get("account:" + str(destination))
        if account is None:
            raise _param_error(
                f"No such destination: '{destination}'", param="destination",
                code="resource_missing",
            )  # fmt: skip
        if not account._onboarded:
            raise _param_error(
                "Your destination account needs to have at least one of the following "
                "capabilities enabled: transfers, crypto_transfers, legacy_payments",
                param="destination", code="insufficient_capabilities_for_transfer",
            )  # fmt: skip
        if metadata is not None and not isinstance(metadata, dict):
            raise _param_error("Invalid object", param="metadata", code="parameter_invalid")
        super().__init__()
        self.amount = parsed
        self.amount_reversed = 0
        self.currency = currency.lower()
        self.destination = destination
        self.destination_payment = "py_" + random_id(14)
        self.balance_transaction = "txn_" + random_id(14)
        self.transfer_group = transfer_group
        self.description = description
        self.metadata = metadata or {}
        self.source_transaction = source_transaction
        self.source_type = "card"
        self.reversed = False
        self.reversals = {
            "object": "list", "data": [], "has_more": False, "total_count": 0,
            "url": f"/v1/transfers/{self.id}/reversals",
        }  # fmt: skip
        schedule_webhook(Event("transfer.created", self))

    @classmethod
    def _api_retrieve(cls, id):
        obj = store.get(cls.object + ":" + id)
        if obj is None:
            raise _param_error(f"No such transfer: '{id}'", code="resource_missing", status=404,
                               param="id")  # fmt: skip
        return obj

    @classmethod
    def _api_update(cls, id, **data):
        obj = cls._api_retrieve(id)
        for key in data:
            if key not in ("description", "metadata"):
                raise _param_error(f"Received unknown parameter: {key}", param=key,
                                   code="parameter_unknown")  # fmt: skip
        obj._update(**data)
        return obj

    @classmethod
    def _api_list_all(cls, url, limit=None, starting_after=None, destination=None,
                      transfer_group=None, **kwargs):  # fmt: skip
        kwargs.pop("created", None)
        li = super()._api_list_all(url, limit=limit, starting_after=starting_after, **kwargs)
        li._list = [
            t for t in li._list
            if (destination is None or t.destination == destination)
            and (transfer_group is None or t.transfer_group == transfer_group)
        ]  # fmt: skip
        li._list.sort(key=lambda t: t.created, reverse=True)
        return li


# --- Idempotency-Key replay ---------------------------------------------------------------------

_idempotent: dict[tuple[str, str], tuple[str, int, bytes]] = {}
_locks: dict[tuple[str, str], asyncio.Lock] = {}
# Injected failures for tests: path prefix → [remaining count, status].
_faults: dict[str, list[int]] = {}
# Injected slowness for tests: path prefix → [remaining count, seconds]. The request is executed
# (and its idempotent response saved) first, then the answer waits: a client killed meanwhile has
# created the object without learning it, as when a worker dies mid-call against Stripe.
_latency: dict[str, list[float]] = {}


async def _maybe_slow(request: web.Request) -> None:
    if request.method != "POST":  # reads (a test polling for the object) stay fast
        return
    for prefix, slow in list(_latency.items()):
        if request.path.startswith(prefix) and slow[0] > 0:
            slow[0] -= 1
            await asyncio.sleep(slow[1])
            return


def _fingerprint(request: web.Request, body: bytes) -> str:
    raw = request.method.encode() + request.path.encode() + b"\0" + body
    return hashlib.sha256(raw).hexdigest()


@web.middleware
async def idempotency_middleware(request: web.Request, handler):
    """Stripe's idempotency: the first executed response of a key is replayed for that key.

    Reusing a key with other parameters is a 400 `idempotency_error`; requests with one key are
    serialised, so concurrent duplicates see the first result. Errors raised before execution
    (validation, 404) are not saved, as on Stripe.
    """
    for prefix, fault in list(_faults.items()):
        if request.path.startswith(prefix) and fault[0] > 0:
            fault[0] -= 1
            return json_response(
                {"error": {"type": "api_error", "message": "Injected fault (devstripe)."}},
                status=fault[1],
            )
    key = request.headers.get("Idempotency-Key")
    if request.method != "POST" or not key:
        response = await handler(request)
        await _maybe_slow(request)
        return response
    body = await request.read()
    scope = (request.headers.get("Authorization", ""), key)
    lock = _locks.setdefault(scope, asyncio.Lock())
    async with lock:
        fingerprint = _fingerprint(request, body)
        saved = _idempotent.get(scope)
        if saved is not None:
            if saved[0] != fingerprint:
                message = (
                    "Keys for idempotent requests can only be used with the same parameters "
                    f"they were first used with. Try using a key other than '{key}' if you "
                    "meant to execute a different request."
                )
                return json_response(
                    {"error": {"type": "idempotency_error", "message": message}}, status=400
                )
            return web.Response(
                body=saved[2], status=saved[1], content_type="application/json",
                headers={"Idempotent-Replayed": "true", "Idempotency-Key": key},
            )  # fmt: skip
        try:
            response = await handler(request)
        except UserError as e:
            response = e.to_response()
        if response.status < 400 or response.status in (402,):
            _idempotent[scope] = (fingerprint, response.status, response.body)
            store.dump_to_disk()  # with --state, the saved response survives a restart too
        response.headers["Idempotency-Key"] = key
    await _maybe_slow(request)
    return response


# --- Routes ---------------------------------------------------------------------------------------


def _list_params(request: web.Request) -> dict:
    data = unflatten_data(request.query)
    data.pop("expand", None)
    return data


def _add_resource(app: web.Application, cls, plural: str, *, update=True, list_all=True) -> None:
    async def create(request):
        data = await get_post_data(request) or {}
        expand = data.pop("expand", None)
        return json_response(cls._api_create(**data)._export(expand=expand))

    async def retrieve(request):
        return json_response(cls._api_retrieve(request.match_info["id"])._export())

    async def do_update(request):
        data = await get_post_data(request) or {}
        data.pop("expand", None)
        return json_response(cls._api_update(request.match_info["id"], **data)._export())

    async def do_list(request):
        return json_response(cls._api_list_all(f"/v1/{plural}", **_list_params(request))._export())

    app.router.add_post(f"/v1/{plural}", create)
    if list_all:
        app.router.add_get(f"/v1/{plural}", do_list)
        app.router.add_get(f"/v1/{plural}/{{id}}", retrieve)
    if update:
        app.router.add_post(f"/v1/{plural}/{{id}}", do_update)


ONBOARDING_PAGE = """<!doctype html><html lang="en"><head><meta charset="utf-8">
<title>Stripe test mode: onboarding</title></head><body>
<h1>Stripe Connect onboarding (TEST MODE, local fake Stripe)</h1>
<p>Account <code>{account}</code>. No real data is collected: the button marks onboarding
complete and sends you back.</p>
<form method="post"><button type="submit">Complete test onboarding</button></form>
<p><a href="{refresh}">Start again</a></p></body></html>"""


async def onboarding_page(request: web.Request):
    account = Account._api_retrieve(request.match_info["id"])
    return web.Response(
        text=ONBOARDING_PAGE.format(
            account=html.escape(account.id),
            refresh=html.escape(request.query.get("refresh_url") or "#"),
        ),
        content_type="text/html",
    )


async def onboarding_complete(request: web.Request):
    account = Account._api_retrieve(request.match_info["id"])
    account._complete_onboarding()
    target = request.query.get("return_url")
    if target and target.startswith(("http://", "https://")):
        raise web.HTTPSeeOther(target)
    return json_response(account._export())


async def config_faults(request: web.Request):
    """Test hook: the next `count` requests under `path` answer `status` (default 500)."""
    data = await get_post_data(request) or {}
    _faults[data["path"]] = [int(data.get("count", 1)), int(data.get("status", 500))]
    return web.Response()


async def config_latency(request: web.Request):
    """Test hook: the next `count` POSTs under `path` answer `seconds` late (after running)."""
    data = await get_post_data(request) or {}
    _latency[data["path"]] = [int(data.get("count", 1)), float(data.get("seconds", 1))]
    return web.Response()


async def flush_connect(request: web.Request):
    _idempotent.clear()
    _faults.clear()
    _latency.clear()
    return web.Response()


def install(app: web.Application, *, base_url: str) -> None:
    """Add the Connect routes and the idempotency middleware (before the app starts)."""
    AccountLink._base_url = base_url.rstrip("/")
    app.middlewares.append(idempotency_middleware)
    _add_resource(app, Account, "accounts")
    _add_resource(app, AccountLink, "account_links", update=False, list_all=False)
    _add_resource(app, Transfer, "transfers")
    app.router.add_get("/_config/connect/onboarding/{id}", onboarding_page)
    app.router.add_post("/_config/connect/onboarding/{id}", onboarding_complete)
    app.router.add_post("/_config/faults", config_faults)
    app.router.add_post("/_config/latency", config_latency)
    app.router.add_delete("/_config/idempotency", flush_connect)
