#!/bin/sh
# The app's runtime role, made once when the production database is initialised (the
# postgres image runs this from /docker-entrypoint-initdb.d). Its rights are given by
# `manage.py grant_runtime_role siv_app`, which the compose file's migrate service runs after
# every migration.
set -eu
psql -v ON_ERROR_STOP=1 -v password="$SIV_APP_PASSWORD" \
  --username "$POSTGRES_USER" --dbname "$POSTGRES_DB" <<'SQL'
CREATE ROLE siv_app LOGIN PASSWORD :'password';
SQL
