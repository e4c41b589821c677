# gunicorn settings for the Dockerfile and docker-compose.yml (`gunicorn -c gunicorn.conf.py`).
# Command-line options (bind, workers) still override these.

# Access log to stdout, through a logger that redacts tokens from e-mailed links (invitations,
# unsubscribe, allauth keys) so they never reach log storage: aux/logredact.py.
accesslog = "-"
logger_class = "aux.gunicorn_logging.RedactingGunicornLogger"
