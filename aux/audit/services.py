from django.contrib.contenttypes.models import ContentType
from django.db.models import Model

from aux.users.models import User

from .models import AuditEvent


def audit_record(*, actor: User | None, verb: str, target: Model, **data) -> AuditEvent:
    """Append one event to the audit trail (call inside the service's transaction)."""
    return AuditEvent.objects.create(
        actor=actor if actor and actor.is_authenticated else None,
        verb=verb,
        target_type=ContentType.objects.get_for_model(target),
        target_id=str(target.pk),
        data=data,
    )
