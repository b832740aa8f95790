#!/usr/bin/env bash
# Client instructions per call (valgrind's callgrind: repeatable on a noisy machine), for
# sqlwright, hand-written postgres code and Diesel. Each workload runs under callgrind twice,
# with N and 2N calls; the difference divided by N is the cost of one call, with connection
# and data set-up cancelled out. The server is another process and is not counted.
# Usage: benches/runtime/callgrind.sh [N] [workload...]   (default 100; select join insert assoc)
# BENCH_SQLITE=1 benches/runtime/callgrind.sh [N] [workload...]: the SQLite column (sqlwright,
# hand-written rusqlite, Diesel). SQLite runs in-process, so there the count is everything:
# client library and database engine.
# BENCH_MYSQL=1 benches/runtime/callgrind.sh [N] [workload...]: the MySQL column (sqlwright,
# hand-written `mysql` crate code, Diesel) on MariaDB (MARIADB_URL, else a throwaway server:
# another process, not counted). Workloads: select join insert.
# BENCH_ASYNC=1 benches/runtime/callgrind.sh [N] [workload...]: the async column (sqlwright's
# AsyncConnection, tokio-postgres, sqlx, diesel-async; one current-thread runtime, so the
# connection tasks' work is counted too). Workloads there may name one size: select1,
# select100, select10000, join1, join100, join1000, insert1, insert10, insert100, assoc.
set -euo pipefail
cd "$(dirname "$0")"
cargo build --release --quiet
bin=${CARGO_TARGET_DIR:-target}/release/sqlwright-runtime-bench
n=${1:-100}
shift || true
workloads=("${@:-select join insert assoc}")
impls=(sqlwright postgres diesel)
mode=()
if [[ -n "${BENCH_SQLITE:-}" ]]; then
    impls=(sqlwright rusqlite diesel)
    mode=(--sqlite)
fi
if [[ -n "${BENCH_MYSQL:-}" ]]; then
    impls=(sqlwright mysql diesel)
    mode=(--mysql)
    [[ $# -gt 0 ]] || workloads=("select join insert")
fi
instr() {
    local out
    out=$(mktemp)
    BENCH_IMPL="$1" BENCH_ITERS="$2" valgrind --tool=callgrind --callgrind-out-file="$out.cg" \
        "$bin" "${mode[@]}" $3 >/dev/null 2>"$out"
    grep -o 'Collected : [0-9]*' "$out" | grep -o '[0-9]*'
    rm -f "$out" "$out.cg"
}
if [[ -n "${BENCH_ASYNC:-}" ]]; then
    mode=(--async)
    all=(sqlwright tokio-postgres sqlx diesel-async)
    echo "| workload | sqlwright (async) | tokio-postgres | sqlx | diesel-async | sw/tokio-postgres | sw/sqlx | sw/diesel-async |"
    echo "|---|---:|---:|---:|---:|---:|---:|---:|"
    for w in ${workloads[@]}; do
        per=()
        for impl in "${all[@]}"; do
            a=$(instr "$impl" "$n" "$w")
            b=$(instr "$impl" "$((2 * n))" "$w")
            per+=($(( (b - a) / n )))
        done
        python3 -c "
s, t, x, d = ${per[0]}, ${per[1]}, ${per[2]}, ${per[3]}
print(f'| $w | {s:,} | {t:,} | {x:,} | {d:,} | {s/t:.3f} | {s/x:.3f} | {s/d:.3f} |')"
    done
    exit 0
fi
base=${impls[1]}
echo "| workload (all its sizes) | sqlwright | $base | diesel | sqlwright/$base | sqlwright/diesel |"
echo "|---|---:|---:|---:|---:|---:|"
for w in ${workloads[@]}; do
    declare -A per
    for impl in "${impls[@]}"; do
        a=$(instr "$impl" "$n" "$w")
        b=$(instr "$impl" "$((2 * n))" "$w")
        per[$impl]=$(( (b - a) / n ))
    done
    python3 -c "
s, p, d = ${per[sqlwright]}, ${per[$base]}, ${per[diesel]}
print(f'| $w | {s:,} | {p:,} | {d:,} | {s/p:.2f} | {s/d:.2f} |')"
done
