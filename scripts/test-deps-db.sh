#!/usr/bin/env bash
# Installs the database servers the database sink's tests start (test/helpers/databases.ts):
# PostgreSQL (initdb, pg_ctl, psql) and MariaDB (mariadb-install-db, mariadbd, mariadb, mariadb-admin).
# Does nothing when they are present; installs with apt only when run as root.
set -euo pipefail

need=()
ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || need+=(postgresql)
command -v psql >/dev/null 2>&1 || need+=(postgresql-client)
command -v mariadbd >/dev/null 2>&1 || need+=(mariadb-server)
command -v mariadb >/dev/null 2>&1 || need+=(mariadb-client)
[ ${#need[@]} -eq 0 ] && exit 0
if [ "$(id -u)" -ne 0 ]; then
  echo "test-deps-db: missing ${need[*]}; install them (apt-get install -y ${need[*]}) or run this script as root" >&2
  exit 1
fi
echo "test-deps-db: installing ${need[*]}"
apt-get update -qq
# The packages' own services are not wanted: the tests start their servers in temp dirs.
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null
