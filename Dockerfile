# Production image: one image for web (gunicorn), worker and beat (celery).
FROM python:3.12-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    DJANGO_SETTINGS_MODULE=aux.settings

RUN useradd --create-home --uid 1000 aux
WORKDIR /app

COPY pyproject.toml README.md ./
COPY aux ./aux
COPY artists ./artists
COPY brands ./brands
COPY campaigns ./campaigns
COPY payments ./payments
RUN pip install .

COPY . .
# collectstatic needs settings that import cleanly: a throwaway key, never used at run time.
RUN DEBUG=0 SECRET_KEY=collectstatic-only ALLOWED_HOSTS=localhost \
    python manage.py collectstatic --noinput \
    && chown -R aux:aux /app

USER aux
EXPOSE 8000
CMD ["gunicorn", "aux.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "3", "--access-logfile", "-"]
