from django.apps import AppConfig


class PrivacyConfig(AppConfig):
    """Personal data: the privacy notice and terms, export, account closure and retention.

    A project-level app (the top layer of .importlinter): export and erasure must know every
    model that points at a user, and those live in every layer below.
    """

    name = "aux.privacy"
    label = "privacy"
    verbose_name = "Personal data"
