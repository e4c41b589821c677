#!/usr/bin/env python
import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "aux.settings")
    # manage.py is the developer's tool and defaults to the local mode, as cookiecutter-django's
    # manage.py defaults to its local settings. What serves production (aux/wsgi.py, aux/asgi.py,
    # the Celery worker and beat) stays fail-safe: DEBUG off and SECRET_KEY required unless set;
    # production runs manage.py with DEBUG=0 in its environment (docker-compose.yml does).
    os.environ.setdefault("DEBUG", "1")
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
