#!/usr/bin/env bash
# Runs once, when the data volume is first initialised (docker-entrypoint-initdb.d).
# Creates the database the app migrates; idempotent so a re-run after a partial init is harmless.
set -euo pipefail

db="${DAEDALUS_DB:-daedalus}"

psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname postgres --set db="$db" --set owner="$POSTGRES_USER" <<'SQL'
SELECT format('CREATE DATABASE %I OWNER %I ENCODING ''UTF8''', :'db', :'owner')
WHERE NOT EXISTS (SELECT 1 FROM pg_database WHERE datname = :'db')
\gexec
SQL
