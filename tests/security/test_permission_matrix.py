"""Every URL of the site × every role: the expected status, and no write across parties.

The URLs come from the resolver (walked recursively), so a new URL without an entry in CASES
fails `test_every_url_has_an_expectation` (and its own matrix row) until someone decides who
may see it. Roles: anonymous, artist A, artist B, brand A's owner / manager / viewer, brand B's
owner, staff. The world (tests/security/world.py) gives each party objects of its own; the kwargs
of each URL point at party A's objects, so the other parties probe objects that are not theirs.

Unsafe methods: each write a role may not make is sent anyway, with a payload that would succeed
for the right party; the answer must be a refusal (API: 401/403/404; pages: login redirect,
403, 404, or a redirect back with an error message) and the database must be unchanged.
"""

import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field

import pytest
from django.apps import apps
from django.conf import settings
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from tests.security.world import ROLES, World, build_world, reset_key_kwargs

pytestmark = pytest.mark.django_db

LOGIN = "login"  # a 302 to the login page (the admin's own login for admin URLs)
OTHERS = ("artist_a", "artist_b", "owner_a", "manager_a", "viewer_a", "member_b", "staff")
BRAND_A = ("owner_a", "manager_a", "viewer_a")
BRAND_A_EDIT = ("owner_a", "manager_a")
STAFF_TOO = ("owner_a", "manager_a", "staff")  # staff approve, publish and close briefs


def roles(default, **overrides) -> dict:
    """{role: status} with `default` for every role not named."""
    return {role: overrides.get(role, default) for role in ROLES}


def page(signed_in=200, anon=LOGIN, **overrides) -> dict:
    return roles(signed_in, anon=anon, **overrides)


def api(signed_in=200, anon=401, **overrides) -> dict:
    return roles(signed_in, anon=anon, **overrides)


PUBLIC = roles(200)


def parse(row, *, api: bool = False) -> dict:
    """A table row "L 200 404 ..." (one token per role, in ROLES order) → {role: status}.

    L: a redirect to the login page; 302: any other redirect; None: POST-only (anonymous is sent
    to log in, or 401 from the API; everyone else gets 405)."""
    if row is None:
        return roles(405, anon=401 if api else LOGIN)
    if isinstance(row, dict):
        return row
    tokens = row.split()
    assert len(tokens) == len(ROLES), row
    return {r: LOGIN if t == "L" else int(t) for r, t in zip(ROLES, tokens, strict=True)}


@dataclass
class Write:
    method: str
    data: Callable[[World], dict] = lambda w: {}
    allowed: tuple[str, ...] = ()  # roles for whom the write is legitimate (not sent here)


@dataclass
class Case:
    get: dict | None  # None: the URL has no GET (POST-only); a 405 for everyone is asserted
    kwargs: Callable[[World], dict] = lambda w: {}
    query: str = ""
    writes: list[Write] = field(default_factory=list)
    api: bool = False


def _walk(resolver: URLResolver, prefix: str = "", namespace: str | None = None):
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            ns = namespace
            if pattern.namespace:
                ns = f"{namespace}:{pattern.namespace}" if namespace else pattern.namespace
            yield from _walk(pattern, prefix + str(pattern.pattern), ns)
        elif isinstance(pattern, URLPattern):
            name = f"{namespace}:{pattern.name}" if namespace and pattern.name else pattern.name
            yield prefix + str(pattern.pattern), name


def _skipped(route: str) -> bool:
    """Static/media files and the admin's own URLs (checked by one rule below)."""
    media = settings.MEDIA_URL.lstrip("/")
    return (media and media in route) or route.startswith(settings.STATIC_URL.lstrip("/"))


def _is_admin(route: str) -> bool:
    return route.lstrip("^").startswith(settings.ADMIN_URL)


def all_url_names() -> set:
    names = set()
    for route, name in _walk(get_resolver()):
        if _skipped(route) or _is_admin(route):
            continue
        names.add(name or f"<unnamed {route}>")
    return names


def admin_paths() -> dict[str, str]:
    """{concrete path: name} for every admin route, path converters and groups filled in."""
    paths = {}
    for route, name in _walk(get_resolver()):
        if not _is_admin(route):
            continue
        path = re.sub(r"\(\?P<app_label>[^)]*\)", "artists", route)
        path = re.sub(r"\(\?P<\w+>[^)]*\)", "1", path)
        path = re.sub(r"<[^>]+>", "1", path).replace("^", "").replace("$", "")
        paths["/" + path] = name or f"<unnamed {route}>"
    return paths


# ---------------------------------------------------------------------------------------------
# The table. GET expectations per role; `writes` list the unsafe requests to try as wrong party.
# ---------------------------------------------------------------------------------------------
CASES: dict[str, Case] = {}


def _case(name: str, get, **kw) -> None:
    CASES[name] = Case(get=get, **kw)


def _pk(attr: str) -> Callable[[World], dict]:
    return lambda w: {"pk": getattr(w, attr).pk}


def _brand(w: World) -> dict:
    return {"slug": w.brand_a.slug}


# --- Site and accounts ------------------------------------------------------------------------
_case("home", "200 200 200 200 200 200 200 200")
_case("healthz", "200 200 200 200 200 200 200 200")
_case("how_matching_works", "200 200 200 200 200 200 200 200")
# The demo's outbox: staff only (the admin's staff login for everyone else).
_case("outbox", "L L L L L L L 200")
_case("outbox_html", "L L L L L L L 404", kwargs=lambda w: {"name": "none.eml"})
_case("account_login", "200 302 302 302 302 302 302 302")
_case("account_logout", "302 200 200 200 200 200 200 200")
_case("account_inactive", "200 200 200 200 200 200 200 200")
_case("account_signup", "200 302 302 302 302 302 302 302")
_case("account_reauthenticate", "L 200 200 200 200 200 200 200")
# allauth 65.22's re-authentication by an e-mailed code. We re-authenticate by password only
# (ACCOUNT_REAUTHENTICATION_METHODS, no login by code): anonymous visitors go to log in like on
# account_reauthenticate; for signed-in users of every role the method is not enabled (403),
# so no code e-mail can be triggered; they use account_reauthenticate (password).
_case("account_request_reauthentication_code", "L 403 403 403 403 403 403 403")
_case("account_confirm_reauthentication_code", "L 403 403 403 403 403 403 403")
_case("account_email", "L 200 200 200 200 200 200 200")
_case("account_email_verification_sent", "200 200 200 200 200 200 200 200")
_case("account_change_password", "L 200 200 200 200 200 200 200")
_case("account_set_password", "L 302 302 302 302 302 302 302")
_case("account_reset_password", "200 200 200 200 200 200 200 200")
_case("account_confirm_login_code", "L 302 302 302 302 302 302 302")
_case(
    "account_confirm_email",
    "200 200 200 200 200 200 200 200",
    kwargs=lambda w: {"key": "not-a-real-key"},
)
_case("account_reset_password_from_key_done", "200 200 200 200 200 200 200 200")
# A reset link for artist A: whoever holds it may use it (that is what it is for).
_case(
    "account_reset_password_from_key",
    "302 302 302 302 302 302 302 302",
    kwargs=lambda w: reset_key_kwargs(w.artist_a.user),
)
_case("account_reset_password_done", "200 200 200 200 200 200 200 200")
# The language switcher (POST only; it changes only the visitor's own language).
_case("set_language", "405 405 405 405 405 405 405 405")  # POST only
_case("users:dashboard", "L 302 302 302 302 302 302 302")

# --- Personal data (aux.privacy): the legal pages are public; the rest is the user's own ----------
_case("privacy:notice", "200 200 200 200 200 200 200 200")
_case("privacy:terms", "200 200 200 200 200 200 200 200")
_case("privacy:account", "L 200 200 200 200 200 200 200")
_case("privacy:export_request", None)  # POST only: each user exports only themselves
# owner_a is brand A's last owner: the page lists what is left instead of a form (still 200).
_case("privacy:close", "L 200 200 200 200 200 200 200")


def _export_token(w: World) -> dict:
    """A ready archive of artist A: the signed link works for them and staff, 404 for others."""
    from datetime import timedelta

    from django.core.files.base import ContentFile
    from django.utils import timezone

    from aux.privacy.models import ExportArchive
    from aux.privacy.services import export_link

    archive = ExportArchive(
        user=w.artist_a.user, status="ready", expires_at=timezone.now() + timedelta(days=1)
    )
    archive.file.save("a.zip", ContentFile(b"PK"), save=True)
    return {"token": export_link(archive).rstrip("/").rsplit("/", 1)[1]}


_case("privacy:export_download", "L 200 404 404 404 404 404 200", kwargs=_export_token)

# --- Artists ------------------------------------------------------------------------------------
_case("artists:list", "200 200 200 200 200 200 200 200")
_case("artists:dashboard", "L 200 200 403 403 403 403 403")
_case("artists:export", "L 200 200 403 403 403 403 403")
_case(
    "artists:dashboard_section",
    "L 405 405 403 403 403 403 403",
    kwargs=lambda w: {"section": "identity"},
    writes=[Write("post", lambda w: {"stage_name": "Hijacked"}, allowed=("artist_a", "artist_b"))],
)
_case(
    "artists:detail", "200 200 200 200 200 200 200 200", kwargs=lambda w: {"slug": w.artist_a.slug}
)

# --- Brands -------------------------------------------------------------------------------------
_case("brands:dashboard", "L 403 403 200 200 200 200 403")
# The e-mailed link only moves its token into the session and redirects to the page below.
_case(
    "brands:invitation",
    "302 302 302 302 302 302 302 302",
    kwargs=lambda w: {"token": w.invitation.token},
    writes=[Write("post")],
)
# The invitation held in the session (none here: the page asks for the e-mailed link).
_case("brands:invitation_page", "200 200 200 200 200 200 200 200", writes=[Write("post")])
_case("brands:detail", "200 200 200 200 200 200 200 200", kwargs=_brand)
_case(
    "brands:settings",
    "L 403 403 200 200 200 403 403",
    kwargs=_brand,
    writes=[
        Write(
            "post",
            lambda w: {"name": "Hijacked", "category": w.brand_a.category_id},
            allowed=(*BRAND_A_EDIT, "staff"),
        )
    ],
)
_case("brands:team", "L 403 403 200 200 200 403 403", kwargs=_brand)
_case(
    "brands:team_invite",
    None,
    kwargs=_brand,
    writes=[
        Write("post", lambda w: {"email": "x@example.com", "role": "owner"}, allowed=BRAND_A_EDIT)
    ],
)
_case(
    "brands:team_change_role",
    None,
    kwargs=lambda w: {"slug": w.brand_a.slug, "membership_id": w.viewer_membership.pk},
    writes=[Write("post", lambda w: {"role": "owner"}, allowed=("owner_a",))],
)
_case(
    "brands:team_remove",
    None,
    kwargs=lambda w: {"slug": w.brand_a.slug, "membership_id": w.viewer_membership.pk},
    writes=[Write("post", allowed=("owner_a", "viewer_a"))],
)
_case(
    "brands:team_revoke",
    None,
    kwargs=lambda w: {"slug": w.brand_a.slug, "invitation_id": w.invitation.pk},
    writes=[Write("post", allowed=BRAND_A_EDIT)],
)

# Verification requests: brand members read the page, owners and managers send the evidence.
_case(
    "brands:verification",
    "L 404 404 200 200 200 404 404",
    kwargs=_brand,
    writes=[
        Write(
            "post",
            lambda w: {"website_domain": "example.com", "registration_number": "RCS 123",
                       "contact_name": "X"},
            allowed=BRAND_A_EDIT,
        )
    ],
)  # fmt: skip
_case(
    "artists:verification",
    "L 200 200 403 403 403 403 403",
    writes=[
        Write("post", lambda w: {"links": "https://open.spotify.com/artist/x"},
              allowed=("artist_a", "artist_b"))
    ],
)  # fmt: skip

# --- Reviews ------------------------------------------------------------------------------------
SIGNED_IN = ("artist_a", "artist_b", "owner_a", "manager_a", "viewer_a", "member_b", "staff")
# Only the reviewed side (artist A for brand A's review) answers; anyone signed in reports.
_case(
    "reviews:reply",
    "L 200 403 403 403 403 403 403",
    kwargs=_pk("review"),
    writes=[Write("post", lambda w: {"text": "Hijacked"}, allowed=("artist_a",))],
)
_case(
    "reviews:report",
    "L 200 200 200 200 200 200 200",
    kwargs=_pk("review"),
    writes=[Write("post", lambda w: {"reason": "Reported by someone"}, allowed=SIGNED_IN)],
)
_case("api-artist-reviews", PUBLIC, api=True, kwargs=lambda w: {"slug": w.artist_a.slug})
_case("api-brand-reviews", PUBLIC, api=True, kwargs=_brand)
_case(
    "api-review-answer",
    None,
    api=True,
    kwargs=_pk("review"),
    writes=[Write("post", lambda w: {"text": "Hijacked"}, allowed=("artist_a",))],
)
_case(
    "api-review-report",
    None,
    api=True,
    kwargs=_pk("review"),
    writes=[Write("post", lambda w: {"reason": "Reported by someone"}, allowed=SIGNED_IN)],
)
_case(
    "api-brand-verification",
    "401 404 404 200 200 200 404 404",
    api=True,
    kwargs=_brand,
    writes=[
        Write(
            "post",
            lambda w: {"website_domain": "example.com", "registration_number": "RCS 123",
                       "contact_name": "X"},
            allowed=BRAND_A_EDIT,
        )
    ],
)  # fmt: skip
_case(
    "api-artist-verification",
    "401 200 200 404 404 404 404 404",
    api=True,
    writes=[
        Write("post", lambda w: {"links": ["https://open.spotify.com/artist/x"]},
              allowed=("artist_a", "artist_b"))
    ],
)  # fmt: skip

# --- Briefs and matches -------------------------------------------------------------------------
_case("campaigns:brief_list", "L 200 200 200 200 200 200 200")
_case(
    "campaigns:brief_create",
    "L 302 302 200 200 302 200 302",
    writes=[
        Write(
            "post",
            lambda w: {
                "brand": w.brand_a.pk,
                "title": "Injected",
                "description": "x",
                "objective": "live_event",
            },
            allowed=BRAND_A_EDIT,
        )
    ],
)
_case("campaigns:artist_top_briefs", "L 200 200 403 403 403 403 403")
_case("campaigns:brief_detail", "L 404 404 200 200 200 404 200", kwargs=_pk("draft_a"))
_case(
    "campaigns:brief_edit",
    "L 404 404 200 200 302 404 302",
    kwargs=lambda w: {"pk": w.draft_a.pk, "step": "basics"},
    writes=[
        Write(
            "post",
            lambda w: {"title": "Hijacked", "description": "x", "objective": "live_event"},
            allowed=BRAND_A_EDIT,
        )
    ],
)
_case(
    "campaigns:brief_publish",
    None,
    kwargs=_pk("draft_a"),
    writes=[Write("post", allowed=STAFF_TOO)],
)
_case(
    "campaigns:brief_close",
    None,
    kwargs=_pk("published_a"),
    writes=[Write("post", allowed=STAFF_TOO)],
)
_case(
    "campaigns:brief_delete",
    None,
    kwargs=_pk("draft_a"),
    writes=[Write("post", allowed=BRAND_A_EDIT)],
)
_case("campaigns:brief_matches", "L 404 404 200 200 200 404 200", kwargs=_pk("published_a"))
_case(
    "campaigns:compare",
    "L 404 404 400 400 400 404 400",
    kwargs=_pk("published_a"),
    query="?artist=artist-a&artist=artist-b",
)
_case(
    "campaigns:match_open",
    "L 404 404 302 302 302 404 302",
    kwargs=lambda w: {"pk": w.published_a.pk, "artist_id": w.artist_a.pk},
)
_case(
    "campaigns:shortlist_toggle",
    None,
    kwargs=lambda w: {"pk": w.published_a.pk, "artist_id": w.artist_b.pk},
    writes=[Write("post", allowed=BRAND_A)],
)
_case(
    "campaigns:offer_new",
    "L 403 403 200 200 403 403 403",
    kwargs=_pk("published_a"),
    query="?artist=artist-b",
    writes=[Write("post", lambda w: {"artist": "artist-b"}, allowed=BRAND_A_EDIT)],
)

# --- Notifications ------------------------------------------------------------------------------
_case("notifications:list", "L 200 200 200 200 200 200 200")
_case("notifications:bell", "L 200 200 200 200 200 200 200")
_case("notifications:read_all", None, writes=[Write("post", allowed=OTHERS)])
_case("notifications:preferences", "L 200 200 200 200 200 200 200")
_case("notifications:open", "L 302 404 404 404 404 404 404", kwargs=_pk("notification_a"))
_case(
    "notifications:read",
    None,
    kwargs=_pk("notification_a"),
    writes=[Write("post", allowed=("artist_a",))],
)
# The e-mailed link (the signed token is the credential, for whoever holds it) only moves the
# token into the session and redirects to the page below.
_case(
    "notifications:unsubscribe",
    "302 302 302 302 302 302 302 302",
    kwargs=lambda w: {"token": _unsubscribe_token(w)},
)
# Without a token in the session there is nothing to confirm: "link not valid" for everyone.
_case("notifications:unsubscribe_page", "400 400 400 400 400 400 400 400")


def _split(w: World):
    from payments.models import ContractSplit

    split, _ = ContractSplit.objects.get_or_create(
        contract=w.contract, email="co-owner@example.com", defaults={"share_bps": 2_000}
    )
    return split


def _split_token(w: World) -> str:
    from payments.services.contract_splits import split_invitation_token

    return split_invitation_token(_split(w))


def _unsubscribe_token(w: World) -> str:
    from aux.notifications.services import unsubscribe_token_make

    return unsubscribe_token_make(user_id=w.artist_a.user.pk, kind="offer.received")


# --- Bookings pages -----------------------------------------------------------------------------
PARTIES_A = ("artist_a", "owner_a", "manager_a")
_case("bookings:offer_detail", "L 200 404 200 200 200 404 200", kwargs=_pk("offer"))
_case(
    "bookings:offer_thread",
    "L 200 404 200 200 200 404 200",
    kwargs=_pk("offer"),
    writes=[Write("post", lambda w: {"body": "hello"}, allowed=PARTIES_A)],
)
_case(
    "bookings:offer_action",
    None,
    kwargs=lambda w: {"pk": w.offer.pk, "action": "withdraw"},
    writes=[Write("post", allowed=BRAND_A_EDIT)],
)
# Only brand A's owner and manager renew (the others: a 404, or a redirect back with an error).
_case(
    "bookings:offer_renew",
    None,
    kwargs=_pk("offer"),
    writes=[Write("post", lambda w: {"expires_in_days": 7}, allowed=BRAND_A_EDIT)],
)
_case("bookings:contract_detail", "L 200 404 200 200 200 404 200", kwargs=_pk("contract"))
_case("bookings:contract_pdf", "L 200 404 200 200 200 404 200", kwargs=_pk("contract"))
_case(
    "bookings:contract_action",
    None,
    kwargs=lambda w: {"pk": w.contract.pk, "action": "cancel"},
    writes=[Write("post", lambda w: {"reason": "x"}, allowed=(*PARTIES_A, "staff"))],
)
_case(
    "bookings:milestone_action",
    None,
    kwargs=lambda w: {"pk": w.milestone.pk, "action": "submit"},
    writes=[
        Write(
            "post",
            lambda w: {
                "note": "done",
                "links": "https://example.com/a",
                "disclosure_confirmed": "on",
            },
            allowed=("artist_a",),
        )
    ],
)


def _attachment(w: World) -> dict:
    """A PDF on a message in the thread of A's offer (made once per world)."""
    if getattr(w, "attachment", None) is None:
        from django.core.files.base import ContentFile

        from campaigns.bookings.models import Attachment, Message

        message = Message.objects.create(offer=w.offer, author=w.owner_a, side="brand", body="f")
        w.attachment = Attachment(
            message=message, original_name="a.pdf", content_type="application/pdf", size=9
        )
        w.attachment.file.save("a.pdf", ContentFile(b"%PDF-1.4\n"), save=True)
    return {"pk": w.attachment.pk}


# Parties of the offer (brand viewers read too) and staff; everyone else: 404, no id probing.
_case("bookings:attachment_download", "L 200 404 200 200 200 404 200", kwargs=_attachment)

# --- API ------------------------------------------------------------------------------------------
_case(
    "api-token", "405 405 405 405 405 405 405 405", api=True
)  # POST-only, credentials in the body: tested in test_api_auth
_case(
    "api-artist-me",
    "401 200 200 403 403 403 403 403",
    api=True,
    writes=[Write("patch", lambda w: {"bio": "hijacked"}, allowed=("artist_a", "artist_b"))],
)
# POST only, each user acting on themselves (tests/privacy).
_case("api-me-export", None, api=True)
_case("api-me-close", None, api=True)
_case("api-taxonomy", "200 200 200 200 200 200 200 200", api=True)
_case("api-artist-list", "200 200 200 200 200 200 200 200", api=True)
_case(
    "api-artist-detail",
    "200 200 200 200 200 200 200 200",
    api=True,
    kwargs=lambda w: {"slug": w.artist_a.slug},
)
_case(
    "brief-list",
    "401 200 200 200 200 200 200 200",
    api=True,
    writes=[
        Write(
            "post",
            lambda w: {
                "brand": w.brand_a.slug,
                "title": "Injected",
                "description": "x",
                "objective": "live_event",
            },
            allowed=BRAND_A_EDIT,
        )
    ],
)
_case(
    "brief-detail",
    "401 404 404 200 200 200 404 200",
    api=True,
    kwargs=_pk("draft_a"),
    writes=[
        Write("patch", lambda w: {"title": "Hijacked"}, allowed=BRAND_A_EDIT),
        Write("delete", allowed=BRAND_A_EDIT),
    ],
)
_case(
    "brief-publish",
    None,
    api=True,
    kwargs=_pk("draft_a"),
    writes=[Write("post", allowed=STAFF_TOO)],
)
_case(
    "brief-close",
    None,
    api=True,
    kwargs=_pk("published_a"),
    writes=[Write("post", allowed=STAFF_TOO)],
)
_case("brief-matches", "401 403 403 200 200 200 403 200", api=True, kwargs=_pk("published_a"))
_case(
    "offer-list",
    "401 200 200 200 200 200 200 200",
    api=True,
    writes=[
        Write(
            "post",
            lambda w: {"brief": w.published_a.pk, "artist": w.artist_b.slug},
            allowed=BRAND_A_EDIT,
        )
    ],
)
_case("offer-detail", "401 200 404 200 200 200 404 200", api=True, kwargs=_pk("offer"))
_case(
    "offer-accept", None, api=True, kwargs=_pk("offer"), writes=[Write("post", allowed=PARTIES_A)]
)
_case(
    "offer-decline",
    None,
    api=True,
    kwargs=_pk("offer"),
    writes=[Write("post", lambda w: {"reason": "x"}, allowed=PARTIES_A)],
)
_case(
    "offer-counter",
    None,
    api=True,
    kwargs=_pk("offer"),
    writes=[Write("post", lambda w: {"message": "more please"}, allowed=PARTIES_A)],
)
_case(
    "offer-withdraw", None, api=True, kwargs=_pk("offer"), writes=[Write("post", allowed=PARTIES_A)]
)
_case(
    "offer-renew",
    None,
    api=True,
    kwargs=_pk("offer"),
    writes=[Write("post", lambda w: {"expires_in_days": 7}, allowed=BRAND_A_EDIT)],
)
_case(
    "offer-messages",
    "401 200 404 200 200 200 404 200",
    api=True,
    kwargs=_pk("offer"),
    writes=[Write("post", lambda w: {"body": "hello"}, allowed=PARTIES_A)],
)
_case("contract-list", "401 200 200 200 200 200 200 200", api=True)
_case("contract-detail", "401 200 404 200 200 200 404 200", api=True, kwargs=_pk("contract"))
_case(
    "contract-cancel",
    None,
    api=True,
    kwargs=_pk("contract"),  # staff cancel at once
    writes=[Write("post", lambda w: {"reason": "x"}, allowed=(*PARTIES_A, "staff"))],
)
_case(
    "contract-settle",
    None,
    api=True,
    kwargs=_pk("contract"),  # parties only: staff decide disputes, they do not settle
    writes=[Write("post", lambda w: {"artist_amount": 0}, allowed=PARTIES_A)],
)
for _name in ["contract-settle-accept", "contract-settle-decline"]:
    _case(
        _name,
        None,
        api=True,
        kwargs=_pk("contract"),
        writes=[Write("post", lambda w: {"settlement": 1}, allowed=PARTIES_A)],
    )
_case(
    "contract-sign",
    None,
    api=True,
    kwargs=_pk("contract"),
    writes=[Write("post", lambda w: {"full_name": "X", "confirm": True}, allowed=PARTIES_A)],
)
_case(
    "contract-reviews",
    "401 200 404 200 200 200 404 200",
    api=True,
    kwargs=_pk("contract"),
    writes=[Write("post", lambda w: {"rating": 5, "text": "great"}, allowed=PARTIES_A)],
)
_case("milestone-detail", "401 200 404 200 200 200 404 200", api=True, kwargs=_pk("milestone"))
for _name in ["milestone-approve", "milestone-dispute", "milestone-request-changes"]:
    _case(
        _name,
        None,
        api=True,
        kwargs=_pk("milestone"),
        writes=[Write("post", lambda w: {"reason": "x"}, allowed=PARTIES_A)],
    )
# Only a party of A may add its statement to a dispute (the service then checks which side).
_case(
    "milestone-dispute-respond",
    None,
    api=True,
    kwargs=_pk("milestone"),
    writes=[Write("post", lambda w: {"statement": "x"}, allowed=PARTIES_A)],
)
_case(
    "milestone-submit",
    None,
    api=True,
    kwargs=_pk("milestone"),
    writes=[
        Write(
            "post",
            lambda w: {
                "note": "done",
                "links": ["https://example.com/a"],
                "disclosure_confirmed": True,
            },
            allowed=PARTIES_A,
        )
    ],
)
_case(
    "api-brands",
    "401 200 200 200 200 200 200 200",
    api=True,
    writes=[Write("post", lambda w: {"name": "New", "category": "beverages"}, allowed=OTHERS)],
)
_case(
    "api-brand",
    "200 200 200 200 200 200 200 200",
    api=True,
    kwargs=_brand,
    writes=[Write("patch", lambda w: {"name": "Hijacked"}, allowed=(*BRAND_A_EDIT, "staff"))],
)
_case("api-brand-members", "401 403 403 200 200 200 403 403", api=True, kwargs=_brand)
_case(
    "api-brand-member",
    None,
    api=True,
    kwargs=lambda w: {"slug": w.brand_a.slug, "member_id": w.viewer_membership.pk},
    writes=[
        Write("patch", lambda w: {"role": "owner"}, allowed=("owner_a",)),
        Write("delete", allowed=("owner_a", "viewer_a")),
    ],
)
_case(
    "api-brand-invitations",
    "401 403 403 200 403 403 403 403",
    api=True,
    kwargs=_brand,
    writes=[
        Write("post", lambda w: {"email": "x@example.com", "role": "owner"}, allowed=BRAND_A_EDIT)
    ],
)
_case("api-notification-list", "401 200 200 200 200 200 200 200", api=True)
_case("api-notification-read-all", None, api=True, writes=[Write("post", allowed=OTHERS)])
_case(
    "api-notification-preferences",
    "401 200 200 200 200 200 200 200",
    api=True,
    writes=[Write("patch", lambda w: {"offer_received": {"email": False}}, allowed=OTHERS)],
)
_case(
    "api-notification-read",
    None,
    api=True,
    kwargs=_pk("notification_a"),
    writes=[Write("post", allowed=("artist_a",))],
)


# --- Open calls (applications) -------------------------------------------------------------------
def _application(w: World) -> dict:
    return {"pk": w.application.pk}


_case(
    "campaigns:application_new",
    "L 302 200 404 404 404 404 404",
    kwargs=_pk("open_call_a"),
    writes=[
        Write(
            "post",
            lambda w: {"pitch": "me too", "proposed_fee_major": "2000"},
            allowed=("artist_a", "artist_b"),
        )
    ],
)
_case(
    "campaigns:brief_open_call",
    None,
    kwargs=_pk("open_call_a"),
    writes=[Write("post", lambda w: {"open_call": "0"}, allowed=STAFF_TOO)],
)
_case(
    "campaigns:application_action",
    None,
    kwargs=lambda w: {"pk": w.open_call_a.pk, "app_id": w.application.pk, "action": "decline"},
    writes=[Write("post", lambda w: {"reason": "no"}, allowed=BRAND_A_EDIT)],
)
_case("application-list", "401 200 200 200 200 200 200 200", api=True)
_case("application-detail", "401 200 404 200 200 200 404 200", api=True, kwargs=_application)
_case(
    "application-accept",
    None,
    api=True,
    kwargs=_application,
    writes=[Write("post", allowed=BRAND_A_EDIT)],
)
_case(
    "application-decline",
    None,
    api=True,
    kwargs=_application,
    writes=[Write("post", lambda w: {"reason": "no"}, allowed=BRAND_A_EDIT)],
)

# --- Payments -----------------------------------------------------------------------------------
_case(
    "payments:stripe_webhook", "405 405 405 405 405 405 405 405"
)  # the Stripe signature is the credential (tests/payments)
_case(
    "payments:fund",
    "L 404 404 200 200 302 404 302",
    kwargs=_pk("contract"),
    writes=[Write("post", allowed=BRAND_A_EDIT)],
)
_case("payments:receipt", "L 404 404 404 404 404 404 404", kwargs=_pk("contract"))
_case("payments:onboard", "L 405 405 405 405 405 405 405", writes=[Write("post", allowed=OTHERS)])
_case("payments:onboard_return", "L 302 302 302 302 302 302 302")
_case("payments:earnings", "L 200 200 200 200 200 200 200")
_case("payments:payout_status", "L 200 200 200 200 200 200 200")
# Each user downloads only their own ledger lines and statements (tests/payments).
_case("payments:earnings_ledger_csv", "L 200 200 200 200 200 200 200")
_case(
    "payments:earnings_statement_pdf",
    "L 200 200 200 200 200 200 200",
    kwargs=lambda w: {"year": w.contract.created_at.year},
)
# Contract payout splits: the artist proposes (the world's contract is signed: the page sends
# them back to it); brand members read only that splits exist; a co-owner accepts by e-mailed
# link (the signed token is the credential) or by id in the API when signed in as the invitee.
_case(
    "payments:contract_splits",
    "L 302 404 404 404 404 404 404",
    kwargs=_pk("contract"),
    writes=[Write("post", lambda w: {"artist_share": "100", "co-TOTAL_FORMS": "0",
                                      "co-INITIAL_FORMS": "0"}, allowed=("artist_a",))],
)  # fmt: skip
_case(
    "payments:split_invitation_link",
    "302 302 302 302 302 302 302 302",
    kwargs=lambda w: {"token": _split_token(w)},
)
# Without a token in the session there is no invitation to show.
_case("payments:split_invitation", "404 404 404 404 404 404 404 404")
_case(
    "payments:split_onboard",
    "L 405 405 405 405 405 405 405",
    writes=[Write("post", allowed=OTHERS)],
)
_case("payments:split_onboard_return", "L 302 302 302 302 302 302 302")
_case(
    "api-contract-splits",
    "401 200 404 200 200 200 404 200",
    api=True,
    kwargs=_pk("contract"),
    writes=[Write("post", lambda w: {"artist_share": "100", "co_owners": []},
                  allowed=("artist_a",))],
)  # fmt: skip
_case(
    "api-split-accept",
    None,
    api=True,
    kwargs=lambda w: {"pk": _split(w).pk},
    writes=[Write("post")],  # nobody in the world is the invited address
)
_case(
    "api-contract-fund",
    None,
    api=True,
    kwargs=_pk("contract"),
    writes=[Write("post", allowed=BRAND_A_EDIT)],
)
_case("api-payouts", "401 200 200 200 200 200 200 200", api=True)
_case("api-ledger", "401 200 200 200 200 200 200 200", api=True)
# Any signed-in user sets up their own payout account (co-owners of an artist's split are paid
# directly), so only anonymous is refused.
_case("api-payouts-onboard", None, api=True, writes=[Write("post", allowed=OTHERS)])
_case(
    "api-brand-invitation",
    "401 405 405 405 405 405 405 405",
    api=True,
    kwargs=lambda w: {"slug": w.brand_a.slug, "invitation_id": w.invitation.pk},
    writes=[Write("delete", allowed=BRAND_A_EDIT)],
)

# Reporting: a campaign's numbers are the brand's (members read them) and staff's.
_case("reports:brief_report", "L 404 404 200 200 200 404 200", kwargs=_pk("contract_brief_a"))
_case("reports:brief_report_csv", "L 404 404 200 200 200 404 200", kwargs=_pk("contract_brief_a"))
_case("reports:brand_reports", "L 404 404 200 200 200 404 200", kwargs=_brand)
_case("reports:marketplace", "L L L L L L L 200")  # the admin's staff login
_case("reports:result_report", None, kwargs=_pk("milestone"),
      writes=[Write("post", allowed=("artist_a",))])  # fmt: skip


def _result_with_screenshot(w: World) -> dict:
    """A figure with a screenshot on A's deliverable (made once per world)."""
    if getattr(w, "result", None) is None:
        from django.core.files.base import ContentFile
        from django.utils import timezone

        from campaigns.reporting.models import MilestoneResult

        w.result = MilestoneResult(
            milestone=w.milestone, kind="saves", value=3, reported_at=timezone.now()
        )
        w.result.screenshot.save("s.png", ContentFile(b"\x89PNG\r\n"), save=True)
    return {"pk": w.result.pk}


# The parties of the deliverable (brand viewers too) and staff; everyone else: 404.
_case("reports:result_screenshot", "L 200 404 200 200 200 404 200", kwargs=_result_with_screenshot)
_case("reports:result_question", None, kwargs=lambda w: {"pk": 1})
_case("reports:result_answer", None, kwargs=lambda w: {"pk": 1})
_case("api-brief-report", "401 404 404 200 200 200 404 200", api=True,
      kwargs=_pk("contract_brief_a"))  # fmt: skip
_case("api-milestone-results", "401 200 404 200 200 200 404 200", api=True,
      kwargs=_pk("milestone"), writes=[Write("post", allowed=("artist_a",))])  # fmt: skip
_case("api-result-question", None, api=True, kwargs=lambda w: {"pk": 1})
_case("api-result-answer", None, api=True, kwargs=lambda w: {"pk": 1})
# Anyone may be paid (split payees need not be artists): each user reads their own earnings.
_case("api-artist-earnings", "401 200 200 200 200 200 200 200", api=True)

_case("api-schema", "200 200 200 200 200 200 200 200", api=True)
_case("api-docs", "200 200 200 200 200 200 200 200")


def _get(client, world: World, name: str, case: Case):
    url = reverse(name, kwargs=case.kwargs(world)) + case.query
    return client.get(url)


# ---------------------------------------------------------------------------------------------
# The tests.
# ---------------------------------------------------------------------------------------------
@pytest.fixture
def world(db, settings, tmp_path) -> World:
    from django.core.files.base import ContentFile

    settings.MEDIA_ROOT = str(tmp_path / "media")
    w = build_world()
    w.contract.pdf.save("contract.pdf", ContentFile(b"%PDF-1.4 test"), save=True)
    return w


def _sign_in(client, w: World, role: str) -> None:
    client.logout()
    if w.user(role) is not None:
        client.force_login(w.user(role))


def _observed(response):
    if response.status_code == 302:
        location = response["Location"]
        if location.startswith((reverse("account_login"), reverse("admin:login"))):
            return LOGIN
    return response.status_code


def _url(w: World, name: str, case: Case) -> str:
    return reverse(name, kwargs=case.kwargs(w)) + case.query


def _fingerprint() -> dict:
    """Every row of every model that holds user data (users minus last_login)."""
    from django.db import connection

    tables = set(connection.introspection.table_names())
    state = {}
    for label in ("users", "artists", "brands", "campaigns", "notifications", "payments"):
        try:
            config = apps.get_app_config(label)
        except LookupError:
            continue
        for model in config.get_models():
            if model._meta.db_table not in tables:
                continue
            fields = [f.attname for f in model._meta.concrete_fields if f.name != "last_login"]
            state[model._meta.label] = list(
                model._default_manager.order_by("pk").values_list(*fields)
            )
    return state


def _changes(before: dict, after: dict) -> list[str]:
    return [label for label in before if before[label] != after.get(label)]


URL_NAMES = sorted(all_url_names())


def test_every_url_has_an_expectation():
    missing = [name for name in URL_NAMES if name not in CASES]
    assert not missing, "URLs without an entry in CASES (decide who may use them): " + ", ".join(
        missing
    )
    stale = sorted(set(CASES) - set(URL_NAMES))
    assert not stale, f"CASES entries for URLs that no longer exist: {stale}"


@pytest.mark.parametrize("name", URL_NAMES)
def test_get_answers_each_role_as_the_table_says(client, world, name):
    case = CASES.get(name)
    if case is None:
        pytest.fail(f"{name} has no expectation in CASES")
    expected = parse(case.get, api=case.api)
    observed = {}
    for role in ROLES:
        _sign_in(client, world, role)
        observed[role] = _observed(client.get(_url(world, name, case)))
    assert observed == expected


REFUSED_API = {401, 403, 404}
WRITE_NAMES = sorted(name for name, case in CASES.items() if case.writes)


@pytest.mark.parametrize("name", WRITE_NAMES)
def test_a_wrong_party_cannot_write_and_changes_nothing(client, world, name):
    case = CASES[name]
    if name not in URL_NAMES:
        pytest.skip(f"{name} is no longer routed")
    url = _url(world, name, case)
    problems = []
    for write in case.writes:
        for role in ROLES:
            if role in write.allowed:
                continue
            _sign_in(client, world, role)
            before = _fingerprint()
            send = getattr(client, write.method)
            data = write.data(world)
            if case.api:
                response = send(url, json.dumps(data), content_type="application/json")
            else:
                response = send(url, data)
            status = _observed(response)
            changed = _changes(before, _fingerprint())
            # Pages may also answer 200 (the form again, with the refusal) or redirect back
            # with a message: the database check below is what proves the refusal.
            refused = (
                status in REFUSED_API
                if case.api
                else status == LOGIN
                or (isinstance(status, int) and 200 <= status < 500 and status != 405)
            )
            if not refused or changed:
                problems.append(f"{write.method.upper()} as {role}: {status}, changed {changed}")
    assert not problems, "\n".join(problems)


ADMIN_PUBLIC = {"admin:login", "admin:logout", "admin:view_on_site"}


@pytest.mark.parametrize("role", ["anon", "artist_a", "owner_a"])
def test_every_admin_url_sends_non_staff_to_the_admin_login(client, world, role):
    """One rule for the admin's own URLs: non-staff are redirected to the admin login.

    Exceptions (Django's design): the login page itself, logout (POST only) and view_on_site (a
    redirect to the object's public URL)."""
    _sign_in(client, world, role)
    wrong = {}
    for path, name in admin_paths().items():
        if name in ADMIN_PUBLIC:
            continue
        status = _observed(client.get(path))
        if status != LOGIN:
            wrong[path] = status
    assert not wrong
    assert len(admin_paths()) > 50


def test_staff_reach_the_admin(client, world):
    _sign_in(client, world, "staff")
    assert client.get(reverse("admin:index")).status_code == 200
