#!/usr/bin/env bash
# Runs the three-instance fault test (test/integration/instances/three-instances.test.ts) several
# times in a row, 20 by default, stopping at the first failure; prints each run's time and what
# happened in it (artifacts/three-instances/summary.json), then the total. Not part of CI.
#   scripts/soak/three-instances.sh [runs]        or        npm run soak:instances [-- runs]
# Each run's jest output goes to artifacts/soak/run-<n>.log; the instances' logs of the last run
# are in artifacts/three-instances/.
set -u
cd "$(dirname "$0")/../.."
runs="${1:-20}"
case "$runs" in
  '' | *[!0-9]*) echo "usage: $0 [runs]   (a whole number, default 20)" >&2; exit 2 ;;
esac
mkdir -p artifacts/soak
test_file=test/integration/instances/three-instances.test.ts
total_start=$(date +%s%N)
for run in $(seq 1 "$runs"); do
  log="artifacts/soak/run-$run.log"
  rm -f artifacts/three-instances/summary.json
  start=$(date +%s%N)
  npx jest "$test_file" >"$log" 2>&1
  status=$?
  seconds=$(( ($(date +%s%N) - start) / 1000000 ))
  summary=$(cat artifacts/three-instances/summary.json 2>/dev/null || echo '{}')
  if [ "$status" -eq 0 ]; then
    printf 'run %2d/%d: passed in %d.%01d s  %s\n' "$run" "$runs" $((seconds / 1000)) $((seconds % 1000 / 100)) "$summary"
  else
    printf 'run %2d/%d: FAILED in %d.%01d s  %s (jest output: %s)\n' "$run" "$runs" $((seconds / 1000)) $((seconds % 1000 / 100)) "$summary" "$log"
    grep -E '✕|●' "$log" | head -20
    total=$(( ($(date +%s%N) - total_start) / 1000000 ))
    printf 'stopped after %d of %d runs, %d.%01d s in all\n' "$run" "$runs" $((total / 1000)) $((total % 1000 / 100))
    exit 1
  fi
done
total=$(( ($(date +%s%N) - total_start) / 1000000 ))
printf 'all %d runs passed in %d.%01d s (%d.%01d s per run)\n' "$runs" $((total / 1000)) $((total % 1000 / 100)) $((total / runs / 1000)) $((total / runs % 1000 / 100))
