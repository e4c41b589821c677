"""gunicorn's access log without secret tokens (gunicorn.conf.py sets `logger_class` to this).

Only imported by gunicorn: the web container's access log goes through it.
"""

from gunicorn.glogging import Logger

from aux.logredact import redact


class RedactingGunicornLogger(Logger):
    """The stock logger, with tokens redacted from every atom the access log format can use
    (request line, path, query, referer, and the {...}e environ / {...}i header variants)."""

    def atoms(self, resp, req, environ, request_time):
        atoms = super().atoms(resp, req, environ, request_time)
        return {key: redact(value) if isinstance(value, str) else value
                for key, value in atoms.items()}  # fmt: skip
