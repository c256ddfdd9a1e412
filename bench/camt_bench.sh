#!/usr/bin/env bash
# camt.053 mapping time against the number of entries: `tributary map` with the shipped
# mappings/camt/camt053_payments.yaml on generated statements (bench/camt_bench_data.cc) of
# 5 000, 10 000, 20 000, 40 000 and 100 000 entries (one statement: every entry a sibling
# of the others, the case a per-record sibling count makes quadratic). Prints per size the
# wall and CPU seconds, the peak RSS, the records written and the CPU microseconds per
# entry, which stay flat when the time is linear.
#
# Usage: bench/camt_bench.sh [BUILD_DIR] [MAPPING] [ENTRIES...]
#        (defaults: build, mappings/camt/camt053_payments.yaml, 5000 10000 20000 40000 100000)
# Each size runs CAMT_BENCH_RUNS times (default 3); the run that took the least CPU is
# reported. A run longer than CAMT_BENCH_TIMEOUT seconds (default 300) is stopped and
# reported as "> N s" (the sizes after it are skipped).
# Needs: the targets tributary and camt_bench_data built in BUILD_DIR; taskset, /usr/bin/time.
set -euo pipefail
cd "$(dirname "$0")/.."

build_dir=${1:-build}
mapping=${2:-mappings/camt/camt053_payments.yaml}
shift $(($# > 2 ? 2 : $#))
sizes=("$@")
[ ${#sizes[@]} -gt 0 ] || sizes=(5000 10000 20000 40000 100000)
runs=${CAMT_BENCH_RUNS:-3}
limit=${CAMT_BENCH_TIMEOUT:-300}
tributary="$build_dir/gateway/app/tributary"
generate="$build_dir/bench/camt_bench_data"

for tool in "$tributary" "$generate"; do
  if [ ! -x "$tool" ]; then
    echo "camt_bench: $tool is missing; build it: cmake --build $build_dir --target tributary camt_bench_data" >&2
    exit 2
  fi
done
for tool in taskset /usr/bin/time timeout; do
  command -v "$tool" >/dev/null || { echo "camt_bench: $tool is not installed" >&2; exit 2; }
done

work=$(mktemp -d "${TMPDIR:-/tmp}/tributary-camt-bench.XXXXXX")
trap 'rm -rf "$work"' EXIT

echo "camt.053: $mapping, one statement, one core (taskset -c 0), best of $runs"
printf "  %8s %8s %8s %8s %13s %9s %12s\n" entries MB "wall s" "cpu s" "peak RSS MB" records "cpu us/entry"
for entries in "${sizes[@]}"; do
  "$generate" "$entries" "$work/camt.xml"
  mb=$(awk -v b="$(stat -c %s "$work/camt.xml")" 'BEGIN { printf "%.1f", b / 1048576 }')
  best_cpu="" best_wall="" peak_kb=0 records=0
  for ((i = 0; i < runs; i++)); do
    status=0
    /usr/bin/time -f '%e %U %S %M' -o "$work/time" timeout "$limit" taskset -c 0 "$tributary" map \
      --mapping "$mapping" --source bench "$work/camt.xml" >"$work/out" 2>"$work/err" || status=$?
    if [ "$status" -eq 124 ]; then
      printf "  %8d %8s %8s %8s %13s %9s %12s\n" "$entries" "$mb" "> $limit" "" "" "" ""
      exit 0
    elif [ "$status" -ne 0 ]; then
      echo "camt_bench: tributary failed on $entries entries:" >&2
      tail -5 "$work/err" >&2
      exit 1
    fi
    read -r wall user system kb < <(tail -1 "$work/time")
    cpu=$(awk -v u="$user" -v s="$system" 'BEGIN { print u + s }')
    if [ -z "$best_cpu" ] || awk -v a="$cpu" -v b="$best_cpu" 'BEGIN { exit !(a < b) }'; then
      best_cpu=$cpu
      best_wall=$wall
    fi
    [ "$kb" -gt "$peak_kb" ] && peak_kb=$kb
    records=$(wc -l <"$work/out")
  done
  awk -v n="$entries" -v mb="$mb" -v w="$best_wall" -v c="$best_cpu" -v kb="$peak_kb" -v r="$records" \
    'BEGIN { printf "  %8d %8s %8.2f %8.2f %13.1f %9d %12.1f\n", n, mb, w, c, kb / 1024, r, c * 1e6 / n }'
done
