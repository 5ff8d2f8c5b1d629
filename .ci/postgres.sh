#!/usr/bin/env bash
# Starts a local PostgreSQL for the tuner's storage tests (Debian 12, run as root in CI).
#
#   .ci/postgres.sh
#   export VAEKIT_TEST_POSTGRES=postgres://vaekit:vaekit@127.0.0.1:5432/vaekit
#   cd packages/tuner && npx jest test/storage
#
# Idempotent: installs PostgreSQL from Debian only when missing, creates the cluster only when
# missing, starts it only when down, and (re)sets the vaekit role's password every time.
set -euo pipefail

PORT=5432
ROLE=vaekit
DB=vaekit
PASSWORD=vaekit

SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1; then SUDO="sudo"; else
    echo "postgres.sh: must run as root (or with sudo available)" >&2; exit 1
  fi
fi

# 1. Install.
if ! dpkg -s postgresql >/dev/null 2>&1 || ! command -v pg_ctlcluster >/dev/null 2>&1; then
  echo "postgres.sh: installing postgresql from Debian"
  $SUDO env DEBIAN_FRONTEND=noninteractive apt-get update -qq
  $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null
fi

# The newest installed server version (Debian 12: 15).
VERSION="$(ls /usr/lib/postgresql 2>/dev/null | sort -V | tail -n 1 || true)"
if [ -z "$VERSION" ]; then echo "postgres.sh: no PostgreSQL server found under /usr/lib/postgresql" >&2; exit 1; fi

# 2. Cluster: reuse the one on $PORT if any, else create "main" on $PORT.
CLUSTER="$(pg_lsclusters -h | awk -v v="$VERSION" -v p="$PORT" '$1==v && $3==p {print $2; exit}')"
if [ -z "$CLUSTER" ]; then
  if pg_lsclusters -h | awk -v v="$VERSION" '$1==v && $2=="main" {f=1} END {exit !f}'; then
    echo "postgres.sh: cluster $VERSION/main exists but not on port $PORT" >&2; exit 1
  fi
  echo "postgres.sh: creating cluster $VERSION/main on port $PORT"
  $SUDO pg_createcluster --port "$PORT" "$VERSION" main >/dev/null
  CLUSTER=main
fi

# Listen on loopback TCP (Debian's default is 'localhost'; make it explicit in a conf.d file,
# which Debian's postgresql.conf includes last, so the main file stays untouched).
CONF_D="/etc/postgresql/$VERSION/$CLUSTER/conf.d"
$SUDO mkdir -p "$CONF_D"
echo "listen_addresses = '127.0.0.1'" | $SUDO tee "$CONF_D/vaekit-tests.conf" >/dev/null

# 3. Start (as the postgres user, via pg_ctlcluster) when down.
if ! pg_lsclusters -h | awk -v v="$VERSION" -v c="$CLUSTER" '$1==v && $2==c && $4=="online" {f=1} END {exit !f}'; then
  echo "postgres.sh: starting cluster $VERSION/$CLUSTER"
  $SUDO mkdir -p /var/run/postgresql
  $SUDO chown postgres:postgres /var/run/postgresql
  $SUDO pg_ctlcluster "$VERSION" "$CLUSTER" start
fi

for _ in $(seq 1 60); do
  if pg_isready -q -h 127.0.0.1 -p "$PORT"; then break; fi
  sleep 0.5
done
pg_isready -h 127.0.0.1 -p "$PORT" >/dev/null || { echo "postgres.sh: server did not come up on 127.0.0.1:$PORT" >&2; exit 1; }

# 4. Role and database (the pg_hba default allows scram-sha-256 password logins on 127.0.0.1).
if [ -z "$SUDO" ]; then
  psql_admin() { runuser -u postgres -- psql -X -q -v ON_ERROR_STOP=1 -p "$PORT" "$@"; }
else
  psql_admin() { sudo -u postgres psql -X -q -v ON_ERROR_STOP=1 -p "$PORT" "$@"; }
fi

psql_admin -d postgres <<SQL
DO \$\$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '$ROLE') THEN
    CREATE ROLE $ROLE LOGIN PASSWORD '$PASSWORD';
  ELSE
    ALTER ROLE $ROLE LOGIN PASSWORD '$PASSWORD';
  END IF;
END
\$\$;
SQL
if [ "$(psql_admin -d postgres -tAc "SELECT 1 FROM pg_database WHERE datname = '$DB'")" != "1" ]; then
  psql_admin -d postgres -c "CREATE DATABASE $DB OWNER $ROLE"
fi

URL="postgres://$ROLE:$PASSWORD@127.0.0.1:$PORT/$DB"
PGPASSWORD="$PASSWORD" psql -X -q -h 127.0.0.1 -p "$PORT" -U "$ROLE" -d "$DB" -tAc 'SELECT 1' >/dev/null

echo "postgres.sh: PostgreSQL $VERSION is up at 127.0.0.1:$PORT, database $DB (role $ROLE)."
echo "Use it for the storage tests with:"
echo "  export VAEKIT_TEST_POSTGRES=$URL"
