#!/usr/bin/env bash
# Regenerates interop.json from the reference implementations (tweetnacl 1.0.3, pusher 5.3.4, pusher-js 8.6.0).
# Needs node and npm; the tests never run this: they read the committed interop.json, so Node stays optional.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
  echo "node and npm are needed to regenerate the fixtures; the committed interop.json is unchanged." >&2
  exit 0
fi
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
cd "$work"
npm init -y >/dev/null
npm install --no-audit --no-fund --silent pusher-js@8.6.0 pusher@5.3.4 tweetnacl@1.0.3 tweetnacl-util@0.15.1
cp "$here/generate.js" .
node generate.js "$here/interop.json"
