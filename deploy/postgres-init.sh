#!/bin/sh
# Runs once when the PostgreSQL volume is first created (docker-entrypoint-initdb.d).
# The owner role (POSTGRES_USER) runs migrations; the application role, created here,
# is what web, worker and beat connect as. It never owns a table, so it cannot drop or
# disable the audit tables' triggers. `manage.py grant_app_role` gives it its privileges.
set -eu
psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname "$POSTGRES_DB" <<SQL
CREATE ROLE prevent_app LOGIN PASSWORD '${APP_DB_PASSWORD}' NOSUPERUSER NOCREATEDB NOCREATEROLE;
REVOKE ALL ON DATABASE ${POSTGRES_DB} FROM PUBLIC;
GRANT CONNECT ON DATABASE ${POSTGRES_DB} TO prevent_app;
SQL
