"""The site in English and French: a French user's pages and e-mails, Accept-Language for visitors,
the switcher remembered on the account, money and dates per locale, and a .po file with every
string translated (a new untranslated string fails here)."""

import gettext as gnu_gettext
import re
import shutil
import subprocess
from datetime import date
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.template import Context, Template
from django.urls import reverse
from django.utils import translation
from django.utils.formats import date_format

from aux.money import format_money
from aux.notifications import messages
from aux.notifications import services as notification_services
from aux.notifications.models import Channel, Kind, Notification, NotificationPreference
from brands.models import Membership
from brands.services import invitation_create
from tests.campaigns.factories import BriefFactory, booking_artist, booking_brief, make_offer
from tests.notifications.factories import NotificationFactory
from tests.users.factories import UserFactory

BASE_DIR = Path(settings.BASE_DIR)
PO = BASE_DIR / "locale" / "fr" / "LC_MESSAGES" / "django.po"
MO = PO.with_suffix(".mo")
# Where makemessages must not look: third-party code, vendored assets, tests and run-time files.
IGNORE = [
    ".venv", "static", "node_modules", "tests", "bench", "docs", "media", "var", "staticfiles",
    "*.egg-info", "locale",
]  # fmt: skip


@pytest.fixture(autouse=True)
def _back_to_english():
    """A request through LocaleMiddleware leaves its language active in this thread: put the
    default back so the French of these tests never leaks into the next test."""
    yield
    translation.activate(settings.LANGUAGE_CODE)


def _html(response) -> str:
    assert response.status_code == 200, response.status_code
    return response.content.decode()


# --- pages ----------------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_french_user_sees_the_landing_page_and_dashboard_in_french(client):
    artist = booking_artist()
    artist.user.language = "fr"
    artist.user.save(update_fields=["language"])
    client.force_login(artist.user)

    home = _html(client.get("/"))
    assert '<html lang="fr">' in home
    assert "Mon tableau de bord" in home and "Se déconnecter" in home
    assert "My dashboard" not in home

    dashboard = _html(client.get(reverse("artists:dashboard")))
    assert "Tableau de bord artiste" in dashboard
    assert "Artist dashboard" not in dashboard


@pytest.mark.django_db
def test_a_french_brand_user_sees_the_dashboard_brief_list_and_booking_in_french(
    client, brand, brand_owner
):
    brand_owner.language = "fr"
    brand_owner.save(update_fields=["language"])
    brief = booking_brief(brand)
    offer = make_offer(actor=brand_owner, brief=brief, artist=booking_artist())
    client.force_login(brand_owner)

    dashboard = _html(client.get(reverse("brands:dashboard")))
    assert "Modifier la marque" in dashboard and "Edit brand" not in dashboard

    briefs = _html(client.get(reverse("campaigns:brief_list")))
    assert "Filtrer" in briefs and "Nouveau brief" in briefs

    booking = _html(client.get(reverse("bookings:offer_detail", args=[offer.pk])))
    assert f"Offre n° {offer.pk}" in booking
    assert "Chronologie" in booking and "Timeline" not in booking
    # Amounts in French conventions: the artist's €1,000 per live show, twice.
    assert "2\u202f000\u00a0€" in booking


@pytest.mark.django_db
def test_an_application_error_message_reaches_a_french_user_in_french(client, brand, brand_owner):
    brand_owner.language = "fr"
    brand_owner.save(update_fields=["language"])
    brief = BriefFactory(brand=brand, status="closed")
    client.force_login(brand_owner)
    response = client.post(reverse("campaigns:brief_publish", args=[brief.pk]))
    assert response.status_code in (302, 303, 409)
    page = client.get(reverse("campaigns:brief_detail", args=[brief.pk]))
    messages = [str(m) for m in page.context["messages"]]
    assert messages and all("ne peut pas devenir" in m for m in messages), messages


@pytest.mark.django_db
def test_anonymous_visitors_get_the_language_their_browser_asks_for(client):
    french = _html(client.get("/", headers={"accept-language": "fr-FR,fr;q=0.9,en;q=0.5"}))
    assert '<html lang="fr">' in french and "Se connecter" in french
    english = _html(client.get("/", headers={"accept-language": "en-GB,en;q=0.9"}))
    assert '<html lang="en">' in english and "Log in" in english
    other = _html(client.get("/", headers={"accept-language": "de-DE"}))
    assert '<html lang="en">' in other  # a language we do not have falls back to English


@pytest.mark.django_db
def test_a_signed_in_users_saved_language_beats_the_browsers(client):
    user = UserFactory(role="artist", language="en")
    client.force_login(user)
    page = _html(client.get("/", headers={"accept-language": "fr"}))
    assert '<html lang="en">' in page


@pytest.mark.django_db
def test_the_switcher_keeps_the_page_and_saves_a_signed_in_users_choice(client):
    user = UserFactory(role="artist")
    client.force_login(user)
    page = _html(client.get("/artists/"))
    assert 'name="language"' in page and reverse("set_language") in page

    response = client.post(reverse("set_language"), {"language": "fr", "next": "/artists/"})
    assert response.status_code == 302 and response["Location"] == "/artists/"
    user.refresh_from_db()
    assert user.language == "fr"
    assert "Découvrir des artistes" in _html(client.get("/artists/"))

    # In another browser (no cookie), after signing in, the choice follows the account.
    other = type(client)()
    other.force_login(user)
    assert '<html lang="fr">' in _html(other.get("/"))


@pytest.mark.django_db
def test_the_switcher_refuses_a_language_we_do_not_have(client):
    user = UserFactory(role="artist", language="en")
    client.force_login(user)
    client.post(reverse("set_language"), {"language": "xx", "next": "/"})
    user.refresh_from_db()
    assert user.language == "en"


@pytest.mark.django_db
def test_a_visitor_who_chose_french_keeps_it_when_signing_in(client):
    user = UserFactory(role="artist", email="marie@example.org")
    user.set_password("a-long-password-1")
    user.save()
    client.post(reverse("set_language"), {"language": "fr", "next": "/"})
    response = client.post(
        reverse("account_login"), {"login": "marie@example.org", "password": "a-long-password-1"}
    )
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.language == "fr"


# --- e-mails --------------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_french_user_gets_notification_emails_in_french(mailoutbox):
    user = UserFactory(role="artist", language="fr", name="Marie")
    n = NotificationFactory(recipient=user, kind=Kind.OFFER_RECEIVED)
    # Sent from an English request: the recipient's language decides, not the sender's.
    with translation.override("en"):
        assert notification_services.notification_send_email(notification_id=n.pk)
    (mail,) = mailoutbox
    assert mail.subject == "[AUX] Vous avez une nouvelle offre"
    assert "Bonjour Marie," in mail.body
    assert "Examiner l'offre" in mail.body and "Review the offer" not in mail.body
    html = mail.alternatives[0][0]
    assert "Se désinscrire de ces e-mails" in html


@pytest.mark.django_db
def test_an_english_user_gets_notification_emails_in_english_whoever_sends(mailoutbox):
    user = UserFactory(role="artist", language="en", name="Sam")
    n = NotificationFactory(recipient=user, kind=Kind.OFFER_RECEIVED)
    with translation.override("fr"):
        notification_services.notification_send_email(notification_id=n.pk)
    (mail,) = mailoutbox
    assert mail.subject == "[AUX] You have a new offer"
    assert "Hello Sam," in mail.body


@pytest.mark.django_db
def test_the_invitation_email_is_in_the_inviting_owners_language(
    brand, brand_owner, mailoutbox, django_capture_on_commit_callbacks
):
    brand_owner.language = "fr"
    brand_owner.save(update_fields=["language"])
    with django_capture_on_commit_callbacks(execute=True):
        invitation_create(actor=brand_owner, brand=brand, email="new@example.org", role="manager")
    (mail,) = mailoutbox
    assert mail.subject == f"Rejoignez {brand.name} sur AUX"
    assert "Vous êtes invité à rejoindre" in mail.body


@pytest.mark.django_db
def test_an_invitee_with_an_account_reads_the_invitation_in_their_own_language(
    brand, brand_owner, mailoutbox, django_capture_on_commit_callbacks
):
    brand_owner.language = "fr"
    brand_owner.save(update_fields=["language"])
    UserFactory(role="brand", email="sam@example.org", language="en")
    with django_capture_on_commit_callbacks(execute=True):
        invitation_create(actor=brand_owner, brand=brand, email="sam@example.org", role="viewer")
    invitation_mail = [m for m in mailoutbox if m.subject.startswith("Join")]
    assert invitation_mail and invitation_mail[0].subject == f"Join {brand.name} on AUX"


@pytest.mark.django_db
def test_a_booking_notification_reads_in_each_recipients_language(
    client, brand, brand_owner, mailoutbox, django_capture_on_commit_callbacks
):
    """The English brand owner's offer reaches a French artist in French (page, API, e-mail),
    and the same stored row reads in English for an English reader."""
    artist = booking_artist()
    artist.user.language = "fr"
    artist.user.save(update_fields=["language"])
    NotificationPreference.objects.create(
        user=artist.user, kind=Kind.OFFER_RECEIVED, channel=Channel.EMAIL_IMMEDIATE
    )
    brief = booking_brief(brand, title="Summer Fizz")
    with translation.override("en"), django_capture_on_commit_callbacks(execute=True):
        make_offer(actor=brand_owner, brief=brief, artist=artist)

    (mail,) = mailoutbox
    assert "Offre reçue : Summer Fizz" in mail.body and "Offer received" not in mail.body
    assert "Offre reçue : Summer Fizz" in mail.alternatives[0][0]
    client.force_login(artist.user)
    page = _html(client.get(reverse("notifications:list")))
    assert "Offre reçue : Summer Fizz" in page
    api = client.get("/api/v1/notifications/", HTTP_ACCEPT_LANGUAGE="en").json()
    assert api["results"][0]["text"] == "Offre reçue : Summer Fizz"  # the saved language wins
    with translation.override("en"):
        assert Notification.objects.get(recipient=artist.user).message == (
            "Offer received: Summer Fizz"
        )


@pytest.mark.django_db
def test_notification_values_are_rendered_per_locale_and_kept_when_a_translation_breaks():
    text = "%(amount)s paid for %(milestone)s"
    params = {"amount": messages.money(120_000, "EUR"), "milestone": "Show 1"}
    with translation.override("en"):
        assert messages.render(text, params) == "€1,200 paid for Show 1"
    with translation.override("fr"):
        assert messages.render(text, params) == "1\u202f200\u00a0€ versés pour Show 1"
        role = messages.label(Membership.Role.VIEWER.label)
        assert role == {"msgid": "Viewer"}
        assert messages.render("%(role)s", {"role": role}) == translation.gettext("Viewer")
        # A value missing from a translation falls back to the English text, never an error.
        assert messages.render("Escrow funded for %(brief)s", {"other": "x"}) == (
            "Escrow funded for %(brief)s"
        )


# --- money and dates ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("amount", "currency", "locale", "text"),
    [
        (120050, "EUR", "en", "€1,200.50"),
        (120000, "EUR", "en", "€1,200"),
        (120050, "EUR", "fr", "1\u202f200,50\u00a0€"),
        (120000, "EUR", "fr", "1\u202f200\u00a0€"),
        (99, "USD", "en", "$0.99"),
        (123456789, "USD", "fr", "1\u202f234\u202f567,89\u00a0$US"),
        (-2500, "GBP", "en", "-£25"),
        (-2500, "GBP", "fr", "-25\u00a0£"),
        (500, "CHF", "fr", "5\u00a0CHF"),
    ],
)
def test_money_is_written_in_the_conventions_of_the_locale(amount, currency, locale, text):
    assert format_money(amount, currency, locale) == text


def test_money_follows_the_active_language_by_default_and_in_the_template_filter():
    template = Template("{{ amount|money:'EUR' }}")
    with translation.override("fr"):
        assert format_money(120050, "EUR") == "1\u202f200,50\u00a0€"
        assert template.render(Context({"amount": 120050})) == "1\u202f200,50\u00a0€"
    with translation.override("en"):
        assert format_money(120050, "EUR") == "€1,200.50"
        assert template.render(Context({"amount": 120050})) == "€1,200.50"


def test_dates_are_written_in_the_conventions_of_the_locale():
    day = date(2026, 3, 5)
    with translation.override("fr"):
        assert date_format(day) == "5 mars 2026"
        assert date_format(day, "SHORT_DATE_FORMAT") == "05/03/2026"
    with translation.override("en"):
        assert date_format(day) == "March 5, 2026"


@pytest.mark.django_db
def test_the_contract_text_stays_in_english_whoever_renders_it(brand, brand_owner):
    from campaigns.bookings.services import contract_terms_render

    offer = make_offer(actor=brand_owner, brief=booking_brief(brand), artist=booking_artist())
    revision = offer.revisions.order_by("-number").first()
    with translation.override("en"):
        english = contract_terms_render(offer=offer, revision=revision)
    with translation.override("fr"):
        assert contract_terms_render(offer=offer, revision=revision) == english
    assert "€2,000" in english  # the signed and hashed text never changes with the reader


# --- the catalogue --------------------------------------------------------------------------


def _entries(po_text: str) -> list[dict]:
    """A small .po reader: msgctxt/msgid/msgid_plural/msgstr[...] and flags per entry."""
    entries = []
    for block in re.split(r"\n\s*\n", po_text.strip()):
        entry: dict = {"flags": "", "fields": {}}
        key = None
        for line in block.splitlines():
            if line.startswith("#,"):
                entry["flags"] += line
            elif line.startswith("#"):
                continue
            elif m := re.match(r'^(msgctxt|msgid_plural|msgid|msgstr(?:\[\d+\])?) "(.*)"$', line):
                key = m.group(1)
                entry["fields"][key] = m.group(2)
            elif line.startswith('"') and key:
                entry["fields"][key] += line[1:-1]
        if "msgid" in entry["fields"]:
            entries.append(entry)
    return entries


def _problems(po_text: str) -> list[str]:
    problems = []
    for e in _entries(po_text):
        f = e["fields"]
        if f["msgid"] == "":
            continue  # the header
        strs = [v for k, v in f.items() if k.startswith("msgstr")]
        if "fuzzy" in e["flags"]:
            problems.append(f"fuzzy: {f['msgid']!r}")
        elif not strs or any(s == "" for s in strs):
            problems.append(f"untranslated: {f['msgid']!r}")
    return problems


def test_every_string_of_the_templates_and_code_has_a_french_translation(tmp_path, settings):
    """makemessages over the project into a copy of the catalogue: a string added anywhere
    without a French translation shows up here as an entry without msgstr."""
    if not shutil.which("xgettext"):
        pytest.fail("GNU gettext is needed (apt-get install gettext; scripts/test.sh does it)")
    # makemessages writes next to the nearest "locale" folder it knows, and it always knows the
    # one in its working directory: run it in a mirror of the project (symlinks) whose only
    # locale folder is a copy, so the real catalogue is never touched.
    mirror = tmp_path / "project"
    mirror.mkdir()
    for entry in BASE_DIR.iterdir():
        if entry.name not in ("locale", ".git", ".venv"):
            (mirror / entry.name).symlink_to(entry)
    locale = mirror / "locale"
    shutil.copytree(BASE_DIR / "locale", locale)
    settings.LOCALE_PATHS = [locale]
    with pytest.MonkeyPatch.context() as mp:
        mp.chdir(mirror)
        call_command(
            "makemessages", locale=["fr"], ignore_patterns=IGNORE, no_obsolete=True,
            symlinks=True, verbosity=0,
        )  # fmt: skip
    regenerated = (locale / "fr" / "LC_MESSAGES" / "django.po").read_text("utf-8")
    found = {e["fields"]["msgid"] for e in _entries(regenerated)}
    # The scan really covered Python code and templates (an empty scan would pass vacuously).
    assert {"You have a new offer", "Change language", "Offer sent to %(artist)s."} <= found
    problems = _problems(regenerated)
    assert not problems, (
        f"{len(problems)} string(s) without a French translation: run `manage.py makemessages "
        "-l fr`, translate them in locale/fr/LC_MESSAGES/django.po, then `manage.py "
        "compilemessages`.\n" + "\n".join(problems[:50])
    )


def test_the_committed_catalogue_has_no_fuzzy_or_empty_entry():
    assert not _problems(PO.read_text("utf-8"))


def test_the_compiled_catalogue_is_up_to_date_with_the_po_file(tmp_path):
    """The .mo is committed (so `make run` needs no gettext); it must say what the .po says."""
    if not shutil.which("msgfmt"):
        pytest.fail("GNU gettext is needed (apt-get install gettext; scripts/test.sh does it)")
    fresh = tmp_path / "django.mo"
    subprocess.run(["msgfmt", "--check-format", "-o", str(fresh), str(PO)], check=True)
    with MO.open("rb") as committed, fresh.open("rb") as compiled:
        ours = gnu_gettext.GNUTranslations(committed)._catalog
        theirs = gnu_gettext.GNUTranslations(compiled)._catalog
    assert ours == theirs, "locale/fr/LC_MESSAGES/django.mo is stale: run manage.py compilemessages"


def test_placeholders_survive_translation():
    """A French string keeps exactly the placeholders of its English source."""
    pattern = re.compile(r"%\([a-z_0-9]+\)[sd]|\{[a-z_]+\}")
    for e in _entries(PO.read_text("utf-8")):
        f = e["fields"]
        if not f["msgid"]:
            continue
        source = set(pattern.findall(f["msgid"] + f.get("msgid_plural", "")))
        for key, value in f.items():
            if key.startswith("msgstr"):
                assert set(pattern.findall(value)) <= source, (f["msgid"], value)
                if "msgid_plural" not in f:
                    assert set(pattern.findall(value)) == source, (f["msgid"], value)
