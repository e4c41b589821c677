from django.apps import AppConfig
from django.db.backends.signals import connection_created


class ArtistsConfig(AppConfig):
    name = "artists"
    verbose_name = "Artists"

    def ready(self) -> None:
        from . import signals  # noqa: F401  (connects the search-tag and fee receivers)
        from .search import register_sqlite_functions

        # The SQLite demo's accent folding and trigram similarity (artists/search.py).
        connection_created.connect(register_sqlite_functions, dispatch_uid="artists_sqlite_fns")
