from decimal import Decimal

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

from aux.errors import ApplicationError
from aux.money import decimals, format_money, to_minor

from . import services

# --- Bookings ----------------------------------------------------------------------------------
from .models import (
    Contract,
    Dispute,
    Milestone,
    Offer,
    OfferRevision,
    Settlement,
    Signature,
)


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False
    max_num = 0

    def get_readonly_fields(self, request, obj=None):
        return self.fields


class OfferRevisionInline(ReadOnlyInline):
    model = OfferRevision
    fields = ["number", "author_side", "author", "total", "currency", "start_date", "end_date",
              "usage_term_months", "created_at"]  # fmt: skip


@admin.register(Offer)
class OfferAdmin(admin.ModelAdmin):
    """Offers are read here; they change only through the negotiation services."""

    list_display = ["id", "brief", "artist", "status", "awaiting", "total", "currency",
                    "below_min_fee", "expires_at"]  # fmt: skip
    list_filter = ["status", "awaiting", "below_min_fee"]
    search_fields = ["brief__title", "artist__stage_name", "brief__brand__name"]
    list_select_related = ["brief", "artist"]
    inlines = [OfferRevisionInline]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


class SignatureInline(ReadOnlyInline):
    model = Signature
    fields = ["party", "full_name", "user", "signed_at", "ip", "user_agent", "terms_sha256"]


class MilestoneInline(ReadOnlyInline):
    model = Milestone
    fields = ["title", "amount", "due_date", "status", "approved_amount", "auto_approved"]


class SettlementInline(ReadOnlyInline):
    """Settlement proposals between the parties (read-only: only the parties answer them)."""

    model = Settlement
    fields = ["proposed_by_side", "proposed_by", "artist_amount", "currency", "note", "status",
              "answered_by", "answered_at", "created_at"]  # fmt: skip


@admin.register(Contract)
class ContractAdmin(admin.ModelAdmin):
    """Read-only terms and signatures; staff cancel (before any work is handed in) through the
    service; handed-in work is decided through a dispute."""

    list_display = ["id", "brand", "artist", "status", "total", "currency", "signed_at", "funded"]
    list_filter = ["status", "funded"]
    search_fields = ["brand__name", "artist__stage_name", "brief__title"]
    list_select_related = ["brand", "artist"]
    readonly_fields = [f.name for f in Contract._meta.fields]
    inlines = [SignatureInline, MilestoneInline, SettlementInline]
    actions = ["cancel"]

    def has_add_permission(self, request) -> bool:
        return False

    @admin.action(description="Cancel selected contracts (staff; before any work is handed in)")
    def cancel(self, request, queryset) -> None:
        for contract in queryset:
            try:
                services.contract_cancel(actor=request.user, contract=contract,
                                         reason="Cancelled by staff")  # fmt: skip
            except ApplicationError as exc:
                self.message_user(request, f"{contract}: {exc.message}", messages.ERROR)


@admin.register(Milestone)
class MilestoneAdmin(admin.ModelAdmin):
    list_display = ["title", "contract", "amount", "due_date", "status", "review_due_at",
                    "overdue_flagged_at"]  # fmt: skip
    list_filter = ["status", "is_social", "auto_approved"]
    list_select_related = ["contract"]
    readonly_fields = [f.name for f in Milestone._meta.fields]

    def has_add_permission(self, request) -> bool:
        return False


class DisputeResolveForm(forms.ModelForm):
    """Staff decide an open dispute: the award to the artist in currency units (the rest of the
    disputed amount is refunded to the brand) and the written decision both parties read.

    0 cancels the deliverable (all refunded), the full amount approves it, anything between is
    a partial award. Validation and the decision itself run here, through dispute_resolve, so
    that a refusal is a form error that keeps what staff typed (the admin's save then only
    logs the change).
    """

    artist_award = forms.DecimalField(
        label=_("Awarded to the artist"), min_value=Decimal("0"), max_digits=14,
        decimal_places=2,
        help_text=_("In currency units, e.g. 3200.00. 0 cancels the deliverable; the full "
                    "amount approves it; the rest of the disputed amount is refunded to the "
                    "brand."),
    )  # fmt: skip
    decision_text = forms.CharField(
        label=_("Written decision (both parties read it)"),
        widget=forms.Textarea(attrs={"rows": 5}), max_length=5000,
    )  # fmt: skip

    actor = None  # the staff user, set by DisputeAdmin.get_form

    class Meta:
        model = Dispute
        fields = ["decision_text"]

    def clean(self) -> dict:
        data = super().clean()
        dispute: Dispute = self.instance
        milestone = dispute.milestone
        award = data.get("artist_award")
        if award is None or "decision_text" not in data:
            return data
        currency = milestone.currency
        try:
            minor = to_minor(award, currency)
        except ValueError:
            self.add_error(
                "artist_award", _("Use at most %(n)s decimals.") % {"n": decimals(currency)}
            )
            return data
        if minor > milestone.amount:
            self.add_error(
                "artist_award",
                _("At most the disputed amount, %(amount)s.")
                % {"amount": format_money(milestone.amount, currency)},
            )
            return data
        decision = (
            Dispute.Decision.CANCEL if minor == 0
            else Dispute.Decision.APPROVE if minor == milestone.amount
            else Dispute.Decision.PARTIAL
        )  # fmt: skip
        try:
            resolved = services.dispute_resolve(
                actor=self.actor, dispute=dispute, decision=decision,
                decision_text=data["decision_text"],
                amount=minor if decision == Dispute.Decision.PARTIAL else None,
            )  # fmt: skip
        except ValidationError as exc:
            for field, errors in exc.message_dict.items():
                target = "artist_award" if field in ("amount", "decision") else field
                self.add_error(target if target in self.fields else None, errors)
        except ApplicationError as exc:
            self.add_error(None, exc.message)
        else:
            self.instance = resolved
        return data


@admin.register(Dispute)
class DisputeAdmin(admin.ModelAdmin):
    """The disputes queue: staff read both statements and the evidence, then type the award in
    currency units and write the decision (DisputeResolveForm calls dispute_resolve). A
    resolved dispute is read-only and shows what was decided."""

    list_display = ["id", "milestone", "opened_by_side", "status", "decision", "created_at"]
    list_filter = ["status", "decision"]
    list_select_related = ["milestone"]
    form = DisputeResolveForm
    case_fields = ["milestone", "contract_link", "disputed_amount", "opened_by_side",
                   "opened_by", "created_at", "reason", "evidence", "respondent_statement",
                   "respondent_statement_at", "status"]  # fmt: skip
    decided_fields = ["decision", "decision_text", "awarded_to_artist", "refunded_to_brand",
                      "resolved_by", "resolved_at"]  # fmt: skip

    def has_add_permission(self, request) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        # A decision is final: once resolved the page only shows it.
        if obj is not None and obj.status != Dispute.Status.OPEN:
            return False
        return super().has_change_permission(request, obj)

    def get_fields(self, request, obj=None):
        if obj is not None and obj.status == Dispute.Status.OPEN:
            return [*self.case_fields, "artist_award", "decision_text"]
        return [*self.case_fields, *self.decided_fields]

    def get_readonly_fields(self, request, obj=None):
        if obj is not None and obj.status == Dispute.Status.OPEN:
            return self.case_fields
        return [*self.case_fields, *self.decided_fields]

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        return type(form.__name__, (form,), {"actor": request.user})

    @admin.display(description=_("contract"))
    def contract_link(self, dispute: Dispute) -> str:
        url = reverse("bookings:contract_detail", args=[dispute.milestone.contract_id])
        return format_html('<a href="{}">#{}</a>', url, dispute.milestone.contract_id)

    @admin.display(description=_("disputed amount"))
    def disputed_amount(self, dispute: Dispute) -> str:
        return format_money(dispute.milestone.amount, dispute.milestone.currency)

    @admin.display(description=_("evidence (the deliverable as handed in)"))
    def evidence(self, dispute: Dispute) -> str:
        m = dispute.milestone
        items = [format_html("<li>{}</li>", m.proof_note)] if m.proof_note else []
        items += [format_html('<li><a href="{0}" rel="noopener noreferrer">{0}</a></li>', link)
                  for link in m.proof_links]  # fmt: skip
        items += [
            format_html('<li><a href="{}" download>{}</a></li>',
                        reverse("bookings:attachment_download", args=[a.pk]), a.original_name)
            for a in m.attachments.all()
        ]  # fmt: skip
        return format_html("<ul>{}</ul>", format_html_join("", "{}", ((i,) for i in items)))

    @admin.display(description=_("awarded to the artist"))
    def awarded_to_artist(self, dispute: Dispute) -> str:
        value = dispute.awarded_to_artist
        return "—" if value is None else format_money(value, dispute.milestone.currency)

    @admin.display(description=_("refunded to the brand"))
    def refunded_to_brand(self, dispute: Dispute) -> str:
        value = dispute.refunded_to_brand
        return "—" if value is None else format_money(value, dispute.milestone.currency)

    def save_model(self, request, obj: Dispute, form, change) -> None:
        """Nothing to save: DisputeResolveForm.clean decided through the service."""

    def response_change(self, request, obj: Dispute):
        obj.refresh_from_db()
        if obj.status == Dispute.Status.RESOLVED:
            self.message_user(
                request,
                _("Dispute resolved: %(artist)s to the artist, %(brand)s refunded to the brand.")
                % {
                    "artist": format_money(obj.awarded_to_artist, obj.milestone.currency),
                    "brand": format_money(obj.refunded_to_brand, obj.milestone.currency),
                },
                messages.SUCCESS,
            )
            return HttpResponseRedirect(request.path)
        return super().response_change(request, obj)
