"""The model graph around a user against the inventory: like the permission matrix for URLs, a
new model that points (directly or through others) at a user fails here until someone decides
whether it is exported and what closing an account does with it."""

from django.apps import apps
from django.conf import settings

from aux.privacy.graph import models_reaching_user
from aux.privacy.inventory import INVENTORY


def _user_fks(model) -> set[str]:
    user_model = apps.get_model(settings.AUTH_USER_MODEL)
    return {
        f.name
        for f in model._meta.get_fields()
        if f.is_relation and not f.auto_created and f.related_model is user_model
        and (f.many_to_one or f.one_to_one)
    }  # fmt: skip


def test_every_model_that_reaches_a_user_is_in_the_inventory():
    labels = {m._meta.label for m in models_reaching_user()}
    assert len(labels) > 40  # the walk finds the whole graph, not just direct foreign keys
    missing = labels - set(INVENTORY)
    assert not missing, f"decide export and erasure for: {sorted(missing)}"
    assert not set(INVENTORY) - labels, "inventory entries for models that no longer exist"


def test_each_entry_is_exported_or_excluded_with_a_reason():
    for label, entry in INVENTORY.items():
        assert bool(entry.paths) != bool(entry.excluded), label
        assert entry.on_close, label


def test_an_exported_model_follows_every_foreign_key_to_the_user():
    for model in models_reaching_user():
        entry = INVENTORY[model._meta.label]
        if entry.excluded:
            continue
        direct = {p for p in entry.paths if "__" not in p} | set(entry.not_followed)
        assert _user_fks(model) <= direct, (model._meta.label, _user_fks(model) - direct)


def test_kept_and_secret_fields_exist():
    for label, entry in INVENTORY.items():
        names = {f.name for f in apps.get_model(label)._meta.get_fields()}
        assert set(entry.kept) | set(entry.secret_fields) | set(entry.not_followed) <= names, label
