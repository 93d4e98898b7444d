#!/usr/bin/env bash
# Runs the SharpFuzz/AFL++ harness for a bounded time and prints executions and crashes.
#   fuzz/run.sh [seconds=600] [target=frames|auth]
# Installs AFL++ from Debian (apt-get) and SharpFuzz.CommandLine 2.3.0 into fuzz/.tools if missing.
# Not part of CI: CI runs the deterministic mutation test in tests/PusherWire.Reliability.Tests instead.
set -euo pipefail
seconds="${1:-600}"
target="${2:-frames}"
here="$(cd "$(dirname "$0")" && pwd)"
cd "$here"

if ! command -v afl-fuzz >/dev/null; then
  apt-get update -qq && apt-get install -y afl++
fi
tools="$here/.tools"
if [ ! -x "$tools/sharpfuzz" ]; then
  dotnet tool install SharpFuzz.CommandLine --version 2.3.0 --tool-path "$tools"
fi

out="$here/.out/$target"
rm -rf "$out" && mkdir -p "$out"
dotnet publish PusherWire.Fuzz/PusherWire.Fuzz.csproj -c Release -o "$out/bin" --nologo -v q
# Instrument only the library under test (not the harness, not the BCL).
"$tools/sharpfuzz" "$out/bin/PusherWire.dll"


export AFL_SKIP_BIN_CHECK=1 AFL_NO_UI=1 AFL_SKIP_CPUFREQ=1 AFL_I_DONT_CARE_ABOUT_MISSING_CRASHES=1 AFL_NO_AFFINITY=1
set +e
afl-fuzz -i "corpus/$target" -o "$out/findings" -t 10000 -m none -V "$seconds" -x pusher.dict -- dotnet "$out/bin/PusherWire.Fuzz.dll" "$target"
rc=$?
set -e

stats="$out/findings/default/fuzzer_stats"
if [ ! -f "$stats" ]; then
  echo "afl-fuzz produced no stats (exit $rc)"; exit 1
fi
execs=$(awk -F' *: *' '$1=="execs_done"{print $2}' "$stats")
crashes=$(awk -F' *: *' '$1=="saved_crashes"||$1=="unique_crashes"{print $2}' "$stats" | head -n1)
hangs=$(awk -F' *: *' '$1=="saved_hangs"||$1=="unique_hangs"{print $2}' "$stats" | head -n1)
paths=$(awk -F' *: *' '$1=="corpus_count"||$1=="paths_total"{print $2}' "$stats" | head -n1)
speed=$(awk -F' *: *' '$1=="execs_per_sec"{print $2}' "$stats")
echo "target=$target seconds=$seconds execs=$execs execs_per_sec=$speed corpus=$paths crashes=$crashes hangs=$hangs"
ls "$out/findings/default/crashes" 2>/dev/null | grep -v README || true
[ "${crashes:-0}" = "0" ]
