#!/usr/bin/env bash
# Builds the libFuzzer targets of fuzz/ with clang-16 (ASan + UBSan) and runs each one for
# SECONDS_PER_TARGET seconds (default 30), starting from its seed corpus in fuzz/corpus/.
# Prints one line per target; exits 1 if any target found a crash, a leak, a timeout or a
# broken property. The input that did it is saved under fuzz/findings/ (see fuzz/README.md).
# Usage: scripts/fuzz.sh [SECONDS_PER_TARGET] [TARGET...]
set -euo pipefail
cd "$(dirname "$0")/.."

seconds=${1:-30}
[ $# -gt 0 ] && shift
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(fuzz_value_parsers fuzz_csv_reader fuzz_record_readers fuzz_mapping fuzz_xml_encodings)
build_dir=${TRIBUTARY_FUZZ_BUILD_DIR:-build-fuzz}
jobs=$(nproc)

declare -A max_len=([fuzz_value_parsers]=96 [fuzz_csv_reader]=4096 [fuzz_record_readers]=8192 [fuzz_mapping]=4096
  [fuzz_xml_encodings]=16384)
# Memory limit per target (MB; 2048 unless listed). fuzz_xml_encodings is held to 512: an
# input that makes the xml reader allocate hundreds of times its size (entity expansion:
# its seed corpus holds one that would need 640 MiB) must be a finding (-oom-).
declare -A rss_limit=([fuzz_xml_encodings]=512)

launcher=()
if command -v ccache >/dev/null; then launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache -DCMAKE_C_COMPILER_LAUNCHER=ccache); fi
# -O1 and line tables only: enough for the sanitizers' stack traces, and a quick build.
CC=clang-16 CXX=clang++-16 cmake -S . -B "$build_dir" -G Ninja -DTRIBUTARY_FUZZ=ON \
  -DCMAKE_BUILD_TYPE=Fuzz -DCMAKE_CXX_FLAGS_FUZZ="-O1 -gline-tables-only" \
  -DCMAKE_C_FLAGS_FUZZ="-O1 -gline-tables-only" "${launcher[@]}" >/dev/null
cmake --build "$build_dir" -j "$jobs" --target "${targets[@]}" >"$build_dir/fuzz-build.log" 2>&1 || {
  tail -n 40 "$build_dir/fuzz-build.log"
  echo "fuzz: the build failed (log: $build_dir/fuzz-build.log)"
  exit 1
}

mkdir -p fuzz/findings "$build_dir/fuzz-logs"

# Runs one target; its status line goes to $build_dir/fuzz-logs/<target>.result.
run_target() {
  local target=$1
  local work="$build_dir/fuzz-corpus/$target"  # what the fuzzer learns, kept between runs
  local log="$build_dir/fuzz-logs/$target.log"
  local dict=()
  [ -f "fuzz/dict/$target.dict" ] && dict=(-dict="fuzz/dict/$target.dict")
  mkdir -p "$work"
  if "$build_dir/fuzz/$target" -max_total_time="$seconds" -max_len="${max_len[$target]}" -timeout=10 \
      -rss_limit_mb="${rss_limit[$target]:-2048}" -print_final_stats=1 -artifact_prefix="fuzz/findings/$target-" "${dict[@]}" \
      "$work" "fuzz/corpus/$target" >"$log" 2>&1; then
    local runs
    runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)
    echo "fuzz $target: ok (${runs:-?} inputs in ${seconds}s)" >"$build_dir/fuzz-logs/$target.result"
  else
    local finding
    finding=$(sed -n 's/.*Test unit written to \(.*\)$/\1/p' "$log" | tail -n 1)
    echo "fuzz $target: FINDING ${finding:-(see the log)}; log: $log" >"$build_dir/fuzz-logs/$target.result"
  fi
}

# As many targets at once as there are cores.
pids=()
for target in "${targets[@]}"; do
  run_target "$target" &
  pids+=($!)
  if [ ${#pids[@]} -ge "$jobs" ]; then
    wait "${pids[0]}"
    pids=("${pids[@]:1}")
  fi
done
wait

status=0
for target in "${targets[@]}"; do
  cat "$build_dir/fuzz-logs/$target.result"
  grep -q ': ok ' "$build_dir/fuzz-logs/$target.result" || status=1
done
exit $status
