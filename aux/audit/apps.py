from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "aux.audit"
    label = "audit"
    verbose_name = "Audit trail"
