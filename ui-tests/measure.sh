#!/usr/bin/env bash
# Measures the blessed compile-fail output: how many cases end in exactly one error, and how
# long each one's stderr is. Usage: ui-tests/measure.sh [MAX_LINES] (default 20).
set -euo pipefail
cd "$(dirname "$0")/fail"
max=${1:-20}
shopt -s nullglob
files=(*.stderr)
total=${#files[@]}
if [ "$total" -eq 0 ]; then echo "no .stderr files"; exit 1; fi
one=0 short=0 sum=0 longest=0 longest_name=""
flagged=()
for f in "${files[@]}"; do
    lines=$(wc -l < "$f")
    # error lines: `error[...]` or `error:` at the start of a line, not rustc's closing summary
    errors=$(grep -E '^error(\[|:)' "$f" \
        | grep -vcE '^error: (aborting due to|could not compile)' || true)
    sum=$((sum + lines))
    [ "$errors" -eq 1 ] && one=$((one + 1))
    [ "$lines" -le "$max" ] && short=$((short + 1))
    if [ "$lines" -gt "$longest" ]; then longest=$lines; longest_name=${f%.stderr}; fi
    if [ "$errors" -ne 1 ] || [ "$lines" -gt "$max" ]; then
        flagged+=("$(printf '%-48s %2d error(s) %4d lines' "${f%.stderr}" "$errors" "$lines")")
    fi
done
printf '%-28s %s\n' "cases:" "$total" \
    "exactly one error:" "$one" \
    "at most $max lines:" "$short" \
    "mean lines:" "$(awk -v s="$sum" -v n="$total" 'BEGIN { printf "%.1f", s / n }')" \
    "longest:" "$longest_name ($longest lines)" \
    "not one error or > $max lines:" "${#flagged[@]}"
for line in "${flagged[@]}"; do echo "  $line"; done
