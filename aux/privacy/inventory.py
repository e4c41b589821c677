"""What AUX holds about a person, model by model: what the export gives them and what closing the
account does with it.

Every model with a relation path to the user model (aux.privacy.graph) has one entry here;
tests/privacy/test_inventory.py walks the graph and fails for a model without one, and for an
exported model whose foreign key to the user is not one of its `paths`. Closing an account
(aux.privacy.services.account_close) follows `on_close`; the fields in `kept` are the only ones
where the person's name may still appear afterwards, each for the reason `on_close` gives.
"""

from dataclasses import dataclass, field

from django.db.models import Q

from aux.users.models import User


@dataclass(frozen=True)
class Entry:
    """One model's place in export and erasure.

    `paths`: lookups from the model to the user; the rows matching any of them are the
    person's rows (exported). Empty with `excluded`: the model is not exported, for that reason.
    `secret_fields`: left out of the export (credentials). `not_followed`: foreign keys to the
    user whose rows are someone else's data, each with why. `on_close`: what account closure does
    with the person's rows, and why anything is kept. `kept`: fields that may keep the person's
    name after closure (reason in `on_close`).
    """

    on_close: str
    paths: tuple[str, ...] = ()
    excluded: str = ""
    secret_fields: tuple[str, ...] = ()
    kept: tuple[str, ...] = ()
    not_followed: dict[str, str] = field(default_factory=dict)

    def rows_q(self, user: User) -> Q:
        q = Q(pk__in=[])
        for path in self.paths:
            q |= Q(**{path: user.pk})
        return q


ERASED = "deleted"
BOOKS = (
    "kept: accounting law requires the books (ledger, payments, payouts, invoices and statements: "
    "amounts, dates, counterparties) for 10 years; they point at the anonymised account"
)
CONTRACT = (
    "kept while the contract's rights and obligations run (usage term, exclusivity, claims) and as "
    "the basis of the books: the signed text, the signatory's typed name and the PDF stay as signed"
)

INVENTORY: dict[str, Entry] = {
    # --- kernel -----------------------------------------------------------------------------------
    "users.User": Entry(
        paths=("pk",),
        secret_fields=("password",),
        on_close="anonymised: name becomes 'Former artist #id' (or brand user), e-mail an address "
        "that cannot receive mail, password unusable, account inactive; the row stays because the "
        "books and contracts point at it",
    ),
    "users.User_groups": Entry(
        excluded="staff permission groups: their ids are in the User row", on_close=ERASED
    ),
    "users.User_user_permissions": Entry(
        excluded="staff permissions: their ids are in the User row", on_close=ERASED
    ),
    "account.EmailAddress": Entry(paths=("user",), on_close=ERASED),
    "account.EmailConfirmation": Entry(
        excluded="a one-time secret for a confirmation link; the address is in EmailAddress",
        on_close=ERASED,
    ),
    "authtoken.Token": Entry(
        excluded="the API token is a credential (its key is the primary key)", on_close=ERASED
    ),
    "authtoken.TokenProxy": Entry(excluded="a proxy of Token", on_close=ERASED),
    "admin.LogEntry": Entry(
        paths=("user",),
        on_close="kept: staff's record of admin changes (staff accounts only)",
    ),
    "audit.AuditEvent": Entry(
        paths=("actor",),
        on_close="kept: the audit trail says who did what; it points at the anonymised account "
        "and holds no address or browser",
    ),
    "privacy.ExportArchive": Entry(
        paths=("user",),
        not_followed={"requested_by": "a staff member's run of someone else's export"},
        on_close="deleted with their files",
    ),
    "notifications.Notification": Entry(
        paths=("recipient",),
        not_followed={"actor": "a notice to someone else about what the person did is theirs"},
        on_close="the person's notifications deleted; in other people's, their name is replaced",
    ),
    "notifications.NotificationPreference": Entry(paths=("user",), on_close=ERASED),
    "notifications.PeriodicSend": Entry(
        excluded="which periodic e-mail (digest, reminder) went out for which day, kept so that "
        "it goes out once; no content",
        on_close="kept until removed a month after the send, with the rest of the month's",
    ),
    # --- brands -----------------------------------------------------------------------------------
    "brands.Brand": Entry(
        paths=("memberships__user", "verified_by"),
        on_close="kept: the brand is an organisation; the person's membership is deleted (a last "
        "owner must hand the brand over first)",
    ),
    "brands.Membership": Entry(paths=("user",), on_close=ERASED),
    "brands.Invitation": Entry(
        paths=("invited_by", "accepted_by"),
        on_close="invitations sent to the person's address are deleted; those they sent stay "
        "with the brand",
    ),
    "brands.BrandVerificationRequest": Entry(
        paths=("requested_by", "decided_by"),
        on_close="the contact name the person gave is erased; the company's domain and "
        "registration number and staff's decision stay with the brand",
    ),
    # --- artists ----------------------------------------------------------------------------------
    "artists.ArtistVerificationRequest": Entry(
        paths=("artist__user", "requested_by", "decided_by"),
        on_close="the links to the person's platform pages are erased; staff's decision stays "
        "with the anonymised profile",
    ),
    "artists.Artist": Entry(
        paths=("user", "verified_by"),
        on_close="anonymised: stage name 'Former artist #id', bio, city, photo, audience figures "
        "and languages erased, hidden from search; the row stays while contracts point at it",
    ),
    "artists.Artist_genres": Entry(excluded="genre ids are in the Artist row", on_close=ERASED),
    "artists.Artist_moods": Entry(excluded="mood ids are in the Artist row", on_close=ERASED),
    "artists.Artist_refused_categories": Entry(
        excluded="category ids are in the Artist row", on_close=ERASED
    ),
    "artists.Rate": Entry(paths=("artist__user",), on_close=ERASED),
    "artists.Unavailability": Entry(paths=("artist__user",), on_close=ERASED),
    "artists.MediaLink": Entry(paths=("artist__user",), on_close=ERASED),
    "artists.AudienceShare": Entry(paths=("artist__user",), on_close=ERASED),
    "artists.AgeShare": Entry(paths=("artist__user",), on_close=ERASED),
    # --- campaigns --------------------------------------------------------------------------------
    "campaigns.Brief": Entry(
        paths=("created_by", "published_by"),
        on_close="kept: briefs belong to the brand; they point at the anonymised account",
    ),
    "campaigns.Brief_genres": Entry(excluded="genre ids are in the Brief row", on_close="kept"),
    "campaigns.Brief_moods": Entry(excluded="mood ids are in the Brief row", on_close="kept"),
    "campaigns.BriefDeliverable": Entry(paths=("brief__created_by",), on_close="kept"),
    "campaigns.Match": Entry(paths=("artist__user",), on_close=ERASED),
    "campaigns.MatchCuration": Entry(paths=("artist__user", "updated_by"), on_close=ERASED),
    "campaigns.MatchExposure": Entry(paths=("artist__user",), on_close=ERASED),
    "campaigns.MatchOutcome": Entry(paths=("artist__user",), on_close=ERASED),
    "campaigns.Shortlist": Entry(paths=("added_by",), on_close="kept by the brand"),
    "campaigns.Application": Entry(
        paths=("artist__user", "decided_by"),
        on_close="pitch and links erased; the row stays (it may have become an offer)",
    ),
    "campaigns.Offer": Entry(
        paths=("artist__user", "created_by"),
        on_close="the person's own messages erased; the terms stay (they are the contract's "
        "basis); open offers to a closed artist are declined",
    ),
    "campaigns.OfferRevision": Entry(
        paths=("offer__artist__user", "author"),
        on_close="the person's own messages erased; the terms stay (the contract's basis)",
    ),
    "campaigns.OfferLine": Entry(paths=("revision__offer__artist__user",), on_close="kept"),
    "campaigns.Contract": Entry(
        paths=("artist__user", "signatures__user"), on_close=CONTRACT, kept=("terms_text",)
    ),
    "campaigns.Signature": Entry(
        paths=("user", "contract__artist__user"),
        on_close="IP address and browser erased; " + CONTRACT,
        kept=("full_name",),
    ),
    "campaigns.Milestone": Entry(
        paths=("contract__artist__user", "approved_by"),
        on_close="kept with the contract: what was delivered and paid",
    ),
    "campaigns.MilestoneResult": Entry(
        paths=("milestone__contract__artist__user", "reported_by", "questioned_by"),
        on_close="kept with the contract: the figures the brand paid for",
    ),
    "campaigns.Message": Entry(
        paths=("author", "offer__artist__user"),
        on_close="the person's own messages: text replaced and files deleted; the other side's "
        "messages stay with them until the retention schedule removes the thread",
    ),
    "campaigns.Attachment": Entry(
        paths=("uploaded_by",),
        on_close="files attached to the person's messages deleted; deliverable files stay with "
        "the contract (evidence of the work paid for)",
    ),
    "campaigns.Review": Entry(
        paths=("author", "replied_by", "contract__artist__user"),
        not_followed={"hidden_by": "the staff member who hid someone else's review"},
        on_close="text of the person's own reviews and answers erased; ratings stay",
    ),
    "campaigns.ReviewReport": Entry(
        paths=("reporter", "handled_by"),
        on_close="text of the person's reports erased; staff's outcome stays with the review",
    ),
    "campaigns.Settlement": Entry(
        paths=("contract__artist__user", "proposed_by", "answered_by"),
        on_close="kept with the contract: an agreement on money",
    ),
    "campaigns.Dispute": Entry(
        paths=("milestone__contract__artist__user", "opened_by", "respondent", "resolved_by"),
        on_close="kept: staff's decision on money and what each side said (closure waits until "
        "no dispute is open)",
    ),
    # --- payments ---------------------------------------------------------------------------------
    "payments.PaymentAccount": Entry(
        paths=("user",),
        on_close="kept: the Stripe connected account id the payouts went to; the account itself "
        "(identity, bank details) is held by Stripe under its own retention rules",
    ),
    "payments.PayoutSplit": Entry(
        paths=("artist__user", "payees__user", "created_by"), on_close=BOOKS
    ),
    "payments.SplitPayee": Entry(paths=("user", "split__artist__user"), on_close=BOOKS),
    "payments.ContractPayee": Entry(paths=("user",), on_close=BOOKS),
    "payments.ContractSplit": Entry(
        paths=("user", "invited_by", "contract__artist__user"),
        on_close="kept with the contract under the anonymised address: who is paid which share "
        "is part of the books; pending invitations to the person lapse",
    ),
    "payments.Payment": Entry(
        paths=("created_by",), secret_fields=("client_secret",), on_close=BOOKS
    ),
    "payments.Payout": Entry(paths=("payee",), on_close=BOOKS),
    "payments.Refund": Entry(
        excluded="a refund goes back to a brand, not to a person; the brand user's payments are "
        "exported",
        on_close=BOOKS,
    ),
    "payments.LedgerTransaction": Entry(paths=("entries__user",), on_close=BOOKS),
    "payments.LedgerEntry": Entry(paths=("user",), on_close=BOOKS),
}
