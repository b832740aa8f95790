#!/usr/bin/env bash
# The test command: makes sure PostgreSQL's server programs (the tests start throwaway
# clusters from them unless DATABASE_URL names a server), pgbouncer (the pooler tests
# start one), MariaDB's server (the MySQL tests start throwaway servers from it unless
# MARIADB_URL names one) and Galera with rsync (the Galera test starts a three-node cluster)
# are installed, then runs every test.
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

have_pgbouncer() {
    command -v pgbouncer >/dev/null 2>&1 || [ -x /usr/sbin/pgbouncer ]
}

have_mariadb() {
    { command -v mariadbd >/dev/null 2>&1 || [ -x /usr/sbin/mariadbd ]; } &&
        command -v mariadb-install-db >/dev/null 2>&1
}

# apt_install PACKAGE WHAT ELSEWHERE: installs PACKAGE with apt-get (as root, or through
# sudo); where neither works, says what to install by hand (ELSEWHERE) and fails.
apt_install() {
    echo "$2 missing; installing $1." >&2
    if command -v apt-get >/dev/null 2>&1 && [ "$(id -u)" = 0 ]; then
        export DEBIAN_FRONTEND=noninteractive
        apt-get update -qq
        apt-get install -y -qq "$1" >/dev/null
    elif command -v apt-get >/dev/null 2>&1 && command -v sudo >/dev/null 2>&1; then
        sudo DEBIAN_FRONTEND=noninteractive apt-get update -qq
        sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$1" >/dev/null
    else
        echo "Cannot install $1 automatically here (no apt-get, or no root/sudo)." >&2
        echo "$3" >&2
        exit 1
    fi
}

if [ -z "${DATABASE_URL:-}" ] && ! have_postgres; then
    apt_install postgresql "PostgreSQL's server programs (initdb, pg_ctl) are" \
        "Install it with your package manager (Fedora: dnf install postgresql-server;
macOS: brew install postgresql), or set DATABASE_URL to a server where the user may
create databases, e.g. DATABASE_URL=postgres://postgres:secret@localhost/postgres"
    have_postgres || { echo "PostgreSQL was installed but initdb is still not found." >&2; exit 1; }
fi

if ! have_pgbouncer; then
    apt_install pgbouncer "pgbouncer (for the PgBouncer tests) is" \
        "Install it with your package manager (Fedora: dnf install pgbouncer;
macOS: brew install pgbouncer): the PgBouncer tests need it."
    have_pgbouncer || { echo "pgbouncer was installed but is still not found." >&2; exit 1; }
fi

# Debian's package runs no server here (no init system) or leaves it alone: the tests start
# their own mariadbd with no option files, on a free port and a socket of their own.
if [ -z "${MARIADB_URL:-}" ] && ! have_mariadb; then
    apt_install mariadb-server "MariaDB's server programs (mariadbd, mariadb-install-db) are" \
        "Install it with your package manager (Fedora: dnf install mariadb-server;
macOS: brew install mariadb), or set MARIADB_URL to a server where the user may create
databases, e.g. MARIADB_URL=mysql://root:secret@127.0.0.1:3306/"
    have_mariadb || { echo "MariaDB was installed but mariadbd is still not found." >&2; exit 1; }
fi

# The Galera test starts a three-node cluster of its own whatever MARIADB_URL says: it needs
# mariadbd, the Galera 4 provider library (Debian: galera-4) and rsync (a joining node
# receives its data by an rsync state transfer).
have_galera() {
    compgen -G "/usr/lib*/galera*/libgalera_smm.so" >/dev/null || [ -f /usr/lib/libgalera_smm.so ]
}

if ! have_mariadb; then
    apt_install mariadb-server "MariaDB's server programs (for the Galera test) are" \
        "Install it with your package manager (Fedora: dnf install mariadb-server-galera):
the Galera test starts a cluster of its own."
fi
if ! have_galera; then
    apt_install galera-4 "The Galera 4 provider library (libgalera_smm.so) is" \
        "Install it with your package manager (Fedora: dnf install galera): the Galera
test starts a three-node MariaDB Galera cluster."
    have_galera || { echo "galera-4 was installed but libgalera_smm.so is still not found." >&2; exit 1; }
fi
if ! command -v rsync >/dev/null 2>&1; then
    apt_install rsync "rsync (the Galera test's state transfer) is" \
        "Install it with your package manager: the Galera test's joining nodes receive
their data by rsync."
fi

# The library must also build without its default features (no value crates): a user who
# turns them off gets a crate that compiles. A check, not a test run: it takes seconds.
cargo check -q -p sqlwright --no-default-features
# And with each optional part alone (what a user turning on only `tokio`, or `tokio` and
# `sqlite`, compiles: tokio's own features are not unified with the tests' here).
cargo check -q -p sqlwright --no-default-features --features tokio
cargo check -q -p sqlwright --no-default-features --features tokio,sqlite
cargo check -q -p sqlwright --no-default-features --features mysql

# The publishable crates package (metadata, files, dependency order: cargo packages the
# workspace crates that depend on each other together). Without verification it takes under a
# second; the full `cargo package` (which builds each package) takes minutes, so run it before
# a release: cargo package -p sqlwright-schema -p sqlwright-macros -p sqlwright -p sqlwright-cli
cargo package -q --offline --no-verify --allow-dirty \
    -p sqlwright-schema -p sqlwright-macros -p sqlwright -p sqlwright-cli

exec cargo test --workspace "$@"
