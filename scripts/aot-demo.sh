#!/usr/bin/env bash
# Publishes the pusherwire CLI with NativeAOT (linux-x64), runs its `demo` (20 events, exit 0), and compares binary
# size, start-up and time to first event with the JIT build. Not in CI: the AOT publish alone takes 4-10 minutes on a
# shared 2-core machine. Needs clang and zlib1g-dev (installed with apt-get when missing and running as root).
set -euo pipefail
cd "$(dirname "$0")/.."
out=artifacts/aot
rid=linux-x64

if ! command -v clang >/dev/null 2>&1 || [ ! -e /usr/include/zlib.h ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    apt-get update -qq && apt-get install -y -qq clang zlib1g-dev >/dev/null
  else
    echo "aot-demo: NativeAOT needs clang and zlib1g-dev; install them and run again" >&2
    exit 2
  fi
fi

if [ "${1:-}" = "--no-publish" ] && [ -x "$out/PusherWire.Cli" ]; then
  echo "== using the existing $out/PusherWire.Cli ==" >&2
else
echo "== publish (NativeAOT, $rid) ==" >&2
dotnet publish src/PusherWire.Cli -c Release -r "$rid" -p:PublishAot=true -o "$out" 2>&1 | tee "$out.publish.log" | grep -E "warning|error|->" >&2 || true
if grep -qE "warning (IL|CS)[0-9]+" "$out.publish.log"; then
  echo "aot-demo: the publish has trim/AOT warnings (see $out.publish.log)" >&2
  exit 1
fi
fi
dotnet build src/PusherWire.Cli -c Release >/dev/null

native="$out/PusherWire.Cli"
jit="src/PusherWire.Cli/bin/Release/net10.0/PusherWire.Cli.dll"

# ms from start until the first NDJSON event record (not state/subscribed records), and until exit; events counted.
measure() {
  local start first lines rc
  start=$(date +%s%N)
  first=""
  lines=0
  while IFS= read -r line; do
    case "$line" in *'"kind":"event"'*) ;; *) continue ;; esac
    [ -z "$first" ] && first=$(( ($(date +%s%N) - start) / 1000000 ))
    lines=$((lines + 1))
  done < <("$@" demo --format ndjson; echo "rc=$?" >&2)
  echo "first_event_ms=$first total_ms=$(( ($(date +%s%N) - start) / 1000000 )) events=$lines"
}

echo "== native ==" >&2
ls -l "$native" | awk '{printf "size_bytes=%s\n", $5}'
measure "$native"
measure "$native"
echo "== JIT (dotnet PusherWire.Cli.dll) ==" >&2
find "$(dirname "$jit")" -maxdepth 1 -type f -name '*.dll' -printf '%s\n' | awk '{s+=$1} END {printf "jit_dlls_bytes=%s (plus the shared .NET runtime)\n", s}'
measure dotnet "$jit"
measure dotnet "$jit"
uptime
