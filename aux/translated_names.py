"""Taxonomy rows read by people in English and French: genres, moods, deliverable types, brand
categories. Their names are rows, not msgids (staff add some), so each row carries its French name;
an empty one shows the English name."""

from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _


class NamedInFrench(models.Model):
    """A row whose `str()` is its name in the active language: `name_fr` in French when set."""

    name_fr = models.CharField(
        _("name in French"), max_length=80, blank=True,
        help_text=_("Shown on French pages; empty: the English name."),
    )  # fmt: skip

    class Meta:
        abstract = True

    def __str__(self) -> str:
        if self.name_fr and (get_language() or "").startswith("fr"):
            return self.name_fr
        return self.name


def fill_french_names(model, names: dict[str, str]) -> int:
    """Sets the French name of the rows (by slug) that have none; never overwrites staff's."""
    filled = 0
    for slug, name_fr in names.items():
        filled += model.objects.filter(slug=slug, name_fr="").update(name_fr=name_fr)
    return filled
