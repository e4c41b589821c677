from django.apps import AppConfig


class ProjectConfig(AppConfig):
    """The project's own app, on the top layer (it may import every other): the entry points
    that span the layers. Sign-up creates an artist profile or a brand, so it lives here and not
    in aux.users (the kernel imports nothing above it); `seed_demo` and `run_schedule` live here
    because Django finds management commands in an app."""

    name = "aux.project"
    label = "project"
    verbose_name = "AUX"
