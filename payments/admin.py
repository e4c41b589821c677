"""Staff see all money in the admin: ledger read-only; refunds and payout retries via services."""

from django.contrib import admin, messages

from aux.errors import ApplicationError

from . import services
from .models import (
    ContractPayee,
    ContractSplit,
    LedgerEntry,
    LedgerTransaction,
    Payment,
    PaymentAccount,
    Payout,
    PayoutSplit,
    Refund,
    SplitPayee,
    WebhookEvent,
)


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class LedgerEntryInline(admin.TabularInline):
    model = LedgerEntry
    extra = 0
    can_delete = False
    fields = ["account", "amount", "currency", "user"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(LedgerTransaction)
class LedgerTransactionAdmin(ReadOnlyAdmin):
    list_display = ["id", "kind", "contract", "memo", "created_at"]
    list_filter = ["kind"]
    search_fields = ["key", "memo"]
    inlines = [LedgerEntryInline]


@admin.register(LedgerEntry)
class LedgerEntryAdmin(ReadOnlyAdmin):
    list_display = ["id", "transaction", "account", "contract", "user", "amount", "currency"]
    list_filter = ["account", "currency"]
    list_select_related = ["transaction", "contract", "user"]


@admin.register(Payment)
class PaymentAdmin(ReadOnlyAdmin):
    list_display = ["id", "contract", "amount", "fee", "currency", "status", "succeeded_at"]
    list_filter = ["status"]
    search_fields = ["stripe_payment_intent_id", "idempotency_key"]
    actions = ["refund_unspent"]

    @admin.action(description="Refund the unspent escrow (and its share of the fee)")
    def refund_unspent(self, request, queryset):
        for payment in queryset.select_related("contract"):
            try:
                services.refund_staff(
                    actor=request.user, contract=payment.contract, amount=None,
                    reason="Refunded by staff",
                )  # fmt: skip
            except ApplicationError as e:
                self.message_user(request, e.message, messages.ERROR)
        self.message_user(request, "Refunds requested.")


@admin.register(Payout)
class PayoutAdmin(ReadOnlyAdmin):
    list_display = ["id", "milestone", "payee", "amount", "currency", "status", "sent_at"]
    list_filter = ["status"]
    search_fields = ["stripe_transfer_id", "idempotency_key"]
    actions = ["retry"]

    @admin.action(description="Retry failed payouts (same idempotency key)")
    def retry(self, request, queryset):
        for payout in queryset.filter(status=Payout.Status.FAILED):
            services.payout_retry(actor=request.user, payout=payout)
        self.message_user(request, "Retries queued.")


@admin.register(Refund)
class RefundAdmin(ReadOnlyAdmin):
    list_display = ["id", "contract", "amount", "fee_amount", "status", "reason", "created_at"]
    list_filter = ["status"]


@admin.register(PaymentAccount)
class PaymentAccountAdmin(ReadOnlyAdmin):
    list_display = ["user", "stripe_account_id", "payouts_enabled", "transfers_active"]


class SplitPayeeInline(admin.TabularInline):
    model = SplitPayee
    extra = 0
    readonly_fields = ["user", "role", "share_bps", "confirmed_at"]
    can_delete = False


@admin.register(PayoutSplit)
class PayoutSplitAdmin(ReadOnlyAdmin):
    list_display = ["id", "artist", "status", "created_at", "activated_at"]
    inlines = [SplitPayeeInline]


@admin.register(ContractPayee)
class ContractPayeeAdmin(ReadOnlyAdmin):
    list_display = ["contract", "user", "share_bps"]


@admin.register(WebhookEvent)
class WebhookEventAdmin(ReadOnlyAdmin):
    list_display = ["stripe_event_id", "type", "received_at", "processed_at", "result"]
    list_filter = ["type"]
    search_fields = ["stripe_event_id"]


@admin.register(ContractSplit)
class ContractSplitAdmin(ReadOnlyAdmin):
    """Co-owners' shares of contracts: read-only (the artist proposes, the co-owner accepts)."""

    list_display = ["id", "contract", "email", "share_bps", "status", "user", "accepted_at"]
    list_filter = ["status"]
    search_fields = ["email"]
    list_select_related = ["contract", "user"]
