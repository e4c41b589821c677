"""The model graph around a user: every model with a foreign-key, one-to-one or many-to-many
path to the user model. The inventory (aux/privacy/inventory.py) must name each of them, and the
tests walk this graph, so a new model that can hold someone's data cannot be forgotten."""

from django.apps import apps
from django.conf import settings
from django.db.models import Model


def _targets(model: type[Model]) -> set[type[Model]]:
    """The models `model` points at (FK, O2O, M2M, through tables included)."""
    out = set()
    for field in model._meta.get_fields(include_hidden=False):
        related = field.related_model if field.is_relation and not field.auto_created else None
        if related is not None and not isinstance(related, str):
            out.add(related)
    return out


def models_reaching_user() -> list[type[Model]]:
    """Every installed model with a relation path to the user model, the user model first."""
    user_model = apps.get_model(settings.AUTH_USER_MODEL)
    reached = {user_model}
    changed = True
    everything = apps.get_models(include_auto_created=True)
    while changed:
        changed = False
        for model in everything:
            if model not in reached and _targets(model) & reached:
                reached.add(model)
                changed = True
    return sorted(reached, key=lambda m: (m is not user_model, m._meta.label))
