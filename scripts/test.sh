#!/usr/bin/env bash
# The test command: makes sure PostgreSQL's server programs are installed (the tests start
# a throwaway cluster from them unless DATABASE_URL names a server), then runs every test.
set -euo pipefail
cd "$(dirname "$0")/.."

have_postgres() {
    command -v initdb >/dev/null 2>&1 && command -v pg_ctl >/dev/null 2>&1 && return 0
    if command -v pg_config >/dev/null 2>&1; then
        local bindir
        bindir=$(pg_config --bindir 2>/dev/null || true)
        [ -x "$bindir/initdb" ] && [ -x "$bindir/pg_ctl" ] && return 0
    fi
    compgen -G "/usr/lib/postgresql/*/bin/initdb" >/dev/null
}

if [ -z "${DATABASE_URL:-}" ] && ! have_postgres; then
    echo "PostgreSQL's server programs (initdb, pg_ctl) are missing; installing them." >&2
    if command -v apt-get >/dev/null 2>&1 && [ "$(id -u)" = 0 ]; then
        export DEBIAN_FRONTEND=noninteractive
        apt-get update -qq
        apt-get install -y -qq postgresql >/dev/null
    elif command -v apt-get >/dev/null 2>&1 && command -v sudo >/dev/null 2>&1; then
        sudo DEBIAN_FRONTEND=noninteractive apt-get update -qq
        sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null
    else
        cat >&2 <<'MSG'
Cannot install PostgreSQL automatically here (no apt-get, or no root/sudo).
Install it with your package manager (Fedora: dnf install postgresql-server;
macOS: brew install postgresql), or set DATABASE_URL to a server where the user may
create databases, e.g. DATABASE_URL=postgres://postgres:secret@localhost/postgres
MSG
        exit 1
    fi
    have_postgres || { echo "PostgreSQL was installed but initdb is still not found." >&2; exit 1; }
fi

# The PgBouncer tests (tests/integration/pgbouncer.rs) start a pgbouncer of their own.
have_pgbouncer() {
    command -v pgbouncer >/dev/null 2>&1 || [ -x /usr/sbin/pgbouncer ]
}

if ! have_pgbouncer; then
    echo "pgbouncer is missing; installing it." >&2
    if command -v apt-get >/dev/null 2>&1 && [ "$(id -u)" = 0 ]; then
        export DEBIAN_FRONTEND=noninteractive
        apt-get update -qq
        apt-get install -y -qq pgbouncer >/dev/null
    elif command -v apt-get >/dev/null 2>&1 && command -v sudo >/dev/null 2>&1; then
        sudo DEBIAN_FRONTEND=noninteractive apt-get update -qq
        sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq pgbouncer >/dev/null
    else
        cat >&2 <<'MSG'
Cannot install pgbouncer automatically here (no apt-get, or no root/sudo).
Install it with your package manager (Fedora: dnf install pgbouncer;
macOS: brew install pgbouncer): the PgBouncer tests need it.
MSG
        exit 1
    fi
    have_pgbouncer || { echo "pgbouncer was installed but is still not found." >&2; exit 1; }
fi

exec cargo test --workspace "$@"
