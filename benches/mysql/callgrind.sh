#!/usr/bin/env bash
# Client instructions per call (callgrind) of MySQL reads, hand-written `mysql` crate code
# vs sqlwright's Connection<Mysql>, with hand-written `postgres` and sqlwright on
# PostgreSQL beside them. Each runs N and 2N calls; the difference over N is one call.
# Servers: the throwaway MariaDB and PostgreSQL of sqlwright::testing (not counted: they
# are other processes). Usage: benches/mysql/callgrind.sh [N]   (default 200)
set -euo pipefail
cd "$(dirname "$0")"
cargo build --release --quiet
n=${1:-200}
bin=target/release/sqlwright-mysql-bench
instr() {
    local out
    out=$(mktemp)
    BENCH_IMPL="$1" BENCH_ITERS="$2" valgrind --tool=callgrind --callgrind-out-file="$out.cg" \
        "$bin" "$3" >/dev/null 2>"$out"
    grep -o 'Collected : [0-9]*' "$out" | grep -o '[0-9]*'
    rm -f "$out" "$out.cg"
}
echo "| workload | mysql (hand) | sqlwright on MySQL | postgres (hand) | sqlwright on PG | sw-mysql/mysql | mysql/postgres |"
echo "|---|---:|---:|---:|---:|---:|---:|"
for w in select1 select100; do
    per=()
    for impl in mysql sqlwright-mysql postgres sqlwright-pg; do
        a=$(instr "$impl" "$n" "$w")
        b=$(instr "$impl" "$((2 * n))" "$w")
        per+=($(( (b - a) / n )))
    done
    python3 -c "
m, s, p, q = ${per[0]}, ${per[1]}, ${per[2]}, ${per[3]}
print(f'| $w | {m:,} | {s:,} | {p:,} | {q:,} | {s/m:.3f} | {m/p:.2f} |')"
done
