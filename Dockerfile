# Production image: one image for web (gunicorn), worker and beat (celery).
FROM python:3.12-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    DJANGO_SETTINGS_MODULE=aux.settings

RUN useradd --create-home --uid 1000 aux
WORKDIR /app

# Exactly the committed lock: every package pinned and hashed (make upgrade refreshes it).
# The project runs from /app (the working directory); it is not installed as a package.
COPY requirements.txt ./
RUN pip install --require-hashes --no-deps -r requirements.txt && pip check

COPY . .
# collectstatic needs settings that import cleanly: a throwaway key, never used at run time.
RUN DEBUG=0 SECRET_KEY=collectstatic-only ALLOWED_HOSTS=localhost \
    python manage.py collectstatic --noinput \
    && chown -R aux:aux /app

USER aux
EXPOSE 8000
# gunicorn.conf.py: the access log (stdout) with tokens redacted.
CMD ["gunicorn", "-c", "gunicorn.conf.py", "aux.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "3"]
