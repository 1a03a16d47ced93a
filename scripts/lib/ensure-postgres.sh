# Sourced by scripts: make sure PostgreSQL server binaries (initdb, pg_ctl) exist; install them on Debian if not.
ensure_postgres() {
  if command -v initdb >/dev/null 2>&1 && command -v pg_ctl >/dev/null 2>&1; then return 0; fi
  for d in /usr/lib/postgresql/*/bin; do
    if [ -x "$d/initdb" ]; then export PATH="$PATH:$d"; return 0; fi
  done
  echo "PostgreSQL server binaries not found; installing postgresql-15 with apt-get..." >&2
  if [ "$(id -u)" -ne 0 ]; then echo "run as root or install postgresql-15 yourself" >&2; return 1; fi
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >/dev/null
  apt-get install -y -qq postgresql-15 >/dev/null
  # Debian starts a system cluster on install; Daedalus runs its own, so stop that one.
  if command -v pg_ctlcluster >/dev/null 2>&1; then pg_ctlcluster 15 main stop >/dev/null 2>&1 || true; fi
  for d in /usr/lib/postgresql/*/bin; do
    if [ -x "$d/initdb" ]; then export PATH="$PATH:$d"; return 0; fi
  done
  echo "postgresql-15 installed but initdb not found" >&2
  return 1
}
