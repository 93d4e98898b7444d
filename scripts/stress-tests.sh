#!/usr/bin/env bash
# Stress check: runs test projects N times while the CPUs are kept busy, and reports failures and hangs by test name.
#
#   scripts/stress-tests.sh [-n iterations] [-l load-loops] [-f filter] [project ...]
#
#   -n  iterations (default 20)
#   -l  busy loops started for the whole run (default: one per CPU; 0 when the machine is busy enough already)
#   -f  a `dotnet test --filter` expression (default: every test)
#   project: test project paths (default: the Reliability and core test projects)
#
# It builds once (Release), then runs `dotnet test --no-build` per project per iteration. Every run is bounded by the
# suite's own limits (each test's [CancelAfter], the hang bound in tests/tests.runsettings), so a hang is reported as
# "hung: <test>" rather than stalling the script. Logs go to artifacts/stress/<timestamp>/ (git-ignored).
set -uo pipefail
cd "$(dirname "$0")/.."

iterations=20
loops=$(nproc)
filter=""
while getopts "n:l:f:h" opt; do
  case $opt in
    n) iterations=$OPTARG ;;
    l) loops=$OPTARG ;;
    f) filter=$OPTARG ;;
    *) sed -n '2,13p' "$0"; exit 2 ;;
  esac
done
shift $((OPTIND - 1))
projects=("$@")
if [ ${#projects[@]} -eq 0 ]; then
  projects=(tests/PusherWire.Reliability.Tests tests/PusherWire.Tests)
fi

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
out="artifacts/stress/$(date -u +%Y%m%dT%H%M%SZ)"
mkdir -p "$out"

for p in "${projects[@]}"; do
  echo "building $p"
  dotnet build "$p" -c Release >"$out/build.log" 2>&1 || { echo "build failed: see $out/build.log"; exit 1; }
done

# The load: plain busy loops, one process each, stopped on any exit.
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null; done
}
trap cleanup EXIT
trap 'exit 130' INT TERM # (the EXIT trap then stops the loops)
for _ in $(seq 1 "$loops"); do
  (while :; do :; done) &
  pids+=($!)
done
echo "load: $loops busy loop(s); $(uptime)"

runs=0
failed_runs=0
declare -A failures=()
for i in $(seq 1 "$iterations"); do
  for p in "${projects[@]}"; do
    name=$(basename "$p")
    log="$out/$i-$name.log"
    stamp="$out/.stamp"
    : >"$stamp"
    start=$(date +%s)
    args=(test "$p" -c Release --no-build)
    [ -n "$filter" ] && args+=(--filter "$filter")
    dotnet "${args[@]}" >"$log" 2>&1
    rc=$?
    runs=$((runs + 1))
    names=$(grep -E '^\s+Failed [^ ]+' "$log" | sed -E 's/^\s+Failed ([^ ]+).*/\1/' | sort -u)
    if grep -q "Test Run Aborted" "$log"; then
      hung=$(find "$p" -name 'Sequence_*.xml' -newer "$stamp" -exec grep -h 'Completed="False"' {} + \
        | sed -E 's/.*Name="([^"]+)".*/hung: \1/')
      names=$(printf '%s\n%s' "$names" "${hung:-hung: (test host aborted, no test named)}" | sed '/^$/d')
    fi
    if [ "$rc" -ne 0 ] && [ -z "$names" ]; then
      names="(exit code $rc, no test named: see $log)"
    fi
    summary=$(grep -E '^(Passed|Failed)!' "$log" | sed -E 's/.*Failed: +([0-9]+), Passed: +([0-9]+).*/\2 passed, \1 failed/')
    load=$(cut -d' ' -f1-3 /proc/loadavg)
    if [ -n "$names" ]; then
      failed_runs=$((failed_runs + 1))
      while IFS= read -r t; do
        failures[$t]=$(( ${failures[$t]:-0} + 1 ))
      done <<<"$names"
      echo "[$i/$iterations] $name: FAILED in $(( $(date +%s) - start )) s (load $load): $(echo "$names" | paste -sd ', ')"
    else
      echo "[$i/$iterations] $name: ${summary:-?} in $(( $(date +%s) - start )) s (load $load)"
    fi
  done
done

echo
echo "$runs run(s), $failed_runs with failures; logs in $out"
for t in "${!failures[@]}"; do
  echo "  ${failures[$t]}x $t"
done | sort -rn
[ "$failed_runs" -eq 0 ]
