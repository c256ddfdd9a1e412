#!/usr/bin/env bash
# Mapping throughput on ONE core: `tributary map` with the shipped mapping against Miller and
# DuckDB (single-threaded, through its Node API) doing the same column mapping to JSON lines.
# Inputs are generated (bench/map_bench_data.cc), never committed. Prints wall and CPU
# seconds and the system part of the CPU (the kernel's work: reading the input, putting the
# output into the page cache), rows/s and MB/s (per CPU second: on a shared machine the wall
# time also counts waiting for the core), peak RSS and records written per tool, and
# tributary/peer throughput ratios.
#
# Usage: bench/map_bench.sh [BUILD_DIR] [ROWS]     (defaults: build, 1000000)
# Each tool runs MAP_BENCH_RUNS times (default 3); the fastest run is reported.
# Needs: the targets tributary and map_bench_data built in BUILD_DIR; taskset, /usr/bin/time,
# mlr (Debian: miller), node and npm. DuckDB (@duckdb/node-api, pinned in
# bench/peers/package.json) is installed into bench/peers/node_modules on first use.
set -euo pipefail
cd "$(dirname "$0")/.."

build_dir=${1:-build}
rows=${2:-1000000}
runs=${MAP_BENCH_RUNS:-3}
tributary="$build_dir/gateway/app/tributary"
generate="$build_dir/bench/map_bench_data"
peers=bench/peers

for tool in "$tributary" "$generate"; do
  if [ ! -x "$tool" ]; then
    echo "map_bench: $tool is missing; build it: cmake --build $build_dir --target tributary map_bench_data" >&2
    exit 2
  fi
done
for tool in taskset /usr/bin/time mlr node npm; do
  command -v "$tool" >/dev/null || { echo "map_bench: $tool is not installed" >&2; exit 2; }
done
if [ ! -d "$peers/node_modules/@duckdb/node-api" ]; then
  echo "installing DuckDB's Node API into $peers/node_modules (npm)..."
  (cd "$peers" && npm install --no-audit --no-fund --loglevel=error >/dev/null)
fi

work=$(mktemp -d "${TMPDIR:-/tmp}/tributary-map-bench.XXXXXX")
trap 'rm -rf "$work"' EXIT

# run NAME RECORDS_FILE COMMAND...: runs COMMAND $runs times on core 0 (stdout to
# $work/NAME.out), counts the lines of RECORDS_FILE and appends "NAME wall_s cpu_s sys_s
# peak_kb records" to $work/results: the times of the run that took the least CPU (the others were
# slowed by something else: the page cache writing back earlier outputs, other work on the
# machine), the highest peak RSS of all. A failing COMMAND fails the bench.
run() {
  local name=$1 records_file=$2
  shift 2
  local best_wall="" best_cpu="" best_sys="" peak_kb=0 records=0 i
  for ((i = 0; i < runs; i++)); do
    if ! /usr/bin/time -f '%e %U %S %M' -o "$work/time" taskset -c 0 "$@" >"$work/$name.out" 2>"$work/$name.err"; then
      echo "map_bench: $name failed:" >&2
      tail -5 "$work/$name.err" >&2
      exit 1
    fi
    local wall user system kb cpu
    read -r wall user system kb < <(tail -1 "$work/time")
    cpu=$(awk -v u="$user" -v s="$system" 'BEGIN { print u + s }')
    if [ -z "$best_cpu" ] || awk -v a="$cpu" -v b="$best_cpu" 'BEGIN { exit !(a < b) }'; then
      best_cpu=$cpu
      best_wall=$wall
      best_sys=$system
    fi
    [ "$kb" -gt "$peak_kb" ] && peak_kb=$kb
    records=$(wc -l <"$records_file")
    rm -f "$work/$name.out" "$records_file"
  done
  echo "$name $best_wall $best_cpu $best_sys $peak_kb $records" >>"$work/results"
}

# report TITLE INPUT: the table of $work/results, then clears it.
report() {
  local title=$1 input=$2
  local bytes
  bytes=$(stat -c %s "$input")
  echo
  echo "$title: $rows rows, $(awk -v b="$bytes" 'BEGIN { printf "%.1f", b / 1048576 }') MB, one core (taskset -c 0), best of $runs"
  awk -v rows="$rows" -v bytes="$bytes" '
    BEGIN {
      printf "  %-10s %8s %8s %9s %12s %9s %13s %10s %22s\n", "tool", "wall s", "cpu s", "of it sys", "rows/s", "MB/s",
             "peak RSS MB", "records", "tributary/peer rows/s"
    }
    {
      cpu = $3 > 0 ? $3 : 0.01
      rate[NR] = rows / cpu
      if ($1 == "tributary") mine = rate[NR]
      line[NR] = sprintf("  %-10s %8.2f %8.2f %9.2f %12.0f %9.1f %13.1f %10d", $1, $2, $3, $4, rate[NR],
                         bytes / 1048576 / cpu, $5 / 1024, $6)
      name[NR] = $1
    }
    END {
      for (i = 1; i <= NR; i++) {
        ratio = name[i] == "tributary" ? "" : sprintf("%.3f", mine / rate[i])
        printf "%s %22s\n", line[i], ratio
      }
    }' "$work/results"
  rm -f "$work/results"
}

# --- generic open items -------------------------------------------------------------------
"$generate" generic "$rows" "$work/open_items.csv"
run tributary "$work/tributary.out" "$tributary" map --mapping mappings/generic/open_items.yaml \
  --source bench --legal-entity FR01 "$work/open_items.csv"
run miller "$work/miller.out" mlr -S --icsv --ifs ';' --ojsonl put -f "$peers/miller_generic.mlr" \
  then cut -o -f key,source_key,kind,number,customer,customer_name,issue_date,due_date,currency,total,open_amount \
  "$work/open_items.csv"
run duckdb "$work/duckdb.jsonl" node "$peers/duckdb_map.mjs" generic "$work/open_items.csv" "$work/duckdb.jsonl"
report "generic open items (tributary writes a customer and a receivable per row)" "$work/open_items.csv"
rm -f "$work/open_items.csv"

# --- FEC --------------------------------------------------------------------------------------
if [ ! -f mappings/fec/open_items.yaml ]; then
  echo
  echo "FEC: skipped: mappings/fec/open_items.yaml is not there yet"
  exit 0
fi
"$generate" fec "$rows" "$work/fec.txt"
run tributary "$work/tributary.out" "$tributary" map --mapping mappings/fec/open_items.yaml \
  --source bench --legal-entity FR01 "$work/fec.txt"
run miller "$work/miller.out" mlr -S --icsv --ifs tab --ojsonl put -q -f "$peers/miller_fec.mlr" "$work/fec.txt"
run duckdb "$work/duckdb.jsonl" node "$peers/duckdb_map.mjs" fec "$work/fec.txt" "$work/duckdb.jsonl"
report "FEC (open items grouped per customer and document)" "$work/fec.txt"
