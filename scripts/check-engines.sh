#!/usr/bin/env bash
# CI: the declared Node range (package.json engines.node) must be true for every dependency. Installs the lockfile
# with `npm ci --engine-strict` under that Node (scripts/declared-node.sh), in a temporary copy so the working tree's
# node_modules is untouched; any package whose own `engines` excludes that Node fails the install (EBADENGINE).
# Offline once npm's cache holds the packages (after any `npm ci`).
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
cp "$ROOT/package.json" "$ROOT/package-lock.json" "$work/"
cd "$work"
"$ROOT/scripts/declared-node.sh" bash -c '
  echo "check-engines: node $(node --version), npm $(npm --version), engines.node \"$(node -p "require(\"./package.json\").engines.node")\""
  npm ci --engine-strict --ignore-scripts --no-audit --no-fund --prefer-offline --loglevel=error
'
echo "check-engines: every dependency accepts the declared Node"
