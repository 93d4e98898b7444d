#!/usr/bin/env bash
# PusherWire against pusher-js 8.6.0 over one loopback server, each client in its own process (docs/performance.md).
#   benchmarks/compare.sh cpu [--count 200000] [--repeats 1]        client CPU per event (median of the runs), events/s, peak RSS
#   benchmarks/compare.sh latency [--rates 1000,10000,50000] [--seconds 2] [--warmup-seconds 3] [--repeats 1]
#                                                           send → handler and send → stdout line (median of the runs)
#   add --clients PusherWire,pusher-js to run only the clients whose names contain those words (a full name: that one)
#   CONSUMER_TRACE=DIR: the counting consumers write each event's send time and latency there (to find stalls)
# Builds the CLI, the consumer and the runner in Release; installs pusher-js with npm when npm is there (the pusher-js
# rows are skipped, with a message, when node or npm is missing). Keep runs short on a shared machine (~2 min).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
if command -v node >/dev/null && command -v npm >/dev/null; then
  if [ ! -d benchmarks/pusher-js/node_modules/pusher-js ]; then
    (cd benchmarks/pusher-js && npm install --no-audit --no-fund --no-package-lock --silent)
  fi
else
  echo "node/npm not found: running without the pusher-js rows."
fi
for p in src/PusherWire.Cli benchmarks/PusherWire.Consumer benchmarks/PusherWire.Comparison; do
  dotnet build "$p" -c Release --nologo -v q >/dev/null
done
exec dotnet benchmarks/PusherWire.Comparison/bin/Release/net10.0/PusherWire.Comparison.dll "$@" --root "$root"
