# syntax=docker/dockerfile:1
# One image for web (gunicorn), worker and beat (Celery); docker-compose.yml picks the command.

# --- GOV.UK Frontend and htmx from npm, exactly as package-lock.json pins them ---
FROM node:20-bookworm-slim AS assets
WORKDIR /build
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund

# --- the application ---
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    VIRTUAL_ENV=/opt/venv \
    PATH=/opt/venv/bin:$PATH \
    DJANGO_SETTINGS_MODULE=ehcp.settings \
    STATICFILES_STORAGE=whitenoise.storage.CompressedStaticFilesStorage \
    MEDIA_ROOT=/data/media

# WeasyPrint's system libraries (Pango, HarfBuzz) and fonts: Noto for letters in non-Latin scripts (fonts-noto-core
# has Noto Nastaliq Urdu and Noto Naskh Arabic for Urdu, and Noto Sans for Polish). gettext compiles the
# translations below.
RUN apt-get update \
    && apt-get install -y --no-install-recommends \
        libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 \
        fonts-dejavu-core fonts-noto-core gettext \
    && rm -rf /var/lib/apt/lists/*

# The pinned dependencies only (pyproject.toml lists no packages), in their own layer so that a code change
# does not reinstall them. No test extra in production.
COPY pyproject.toml /tmp/deps/pyproject.toml
RUN python -m venv /opt/venv \
    && pip install /tmp/deps \
    && rm -rf /tmp/deps

RUN groupadd --system app \
    && useradd --system --gid app --home-dir /app --no-create-home --shell /usr/sbin/nologin app \
    && mkdir -p /data/media \
    && chown app:app /data/media

WORKDIR /app
COPY --from=assets /build/node_modules ./node_modules
COPY . .
# collectstatic and compilemessages need settings to load, not a real secret or database. The .mo files are built
# here from the .po files in git (locale/), as `make install` does in a checkout.
RUN DJANGO_SECRET_KEY=collectstatic-only python manage.py collectstatic --noinput --verbosity 0 \
    && DJANGO_SECRET_KEY=collectstatic-only python manage.py compilemessages --locale pl --locale ur --ignore node_modules --verbosity 0

USER app
EXPOSE 8000
CMD ["gunicorn", "ehcp.wsgi", "--bind", "0.0.0.0:8000", "--workers", "3", "--timeout", "60", "--access-logfile", "-"]
