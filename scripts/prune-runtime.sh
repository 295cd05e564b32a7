#!/bin/sh
# Removes from a production install what the ocr-mock runtime never loads, in place:
#   sh scripts/prune-runtime.sh <app dir>       (the dir holding node_modules/ and dist/)
# The Dockerfile runs it, and test/docker.test.ts runs it on a packed install to measure the image's size, so
# both prune exactly the same. Every removal says why it is safe; anything else is kept.
set -eu

app="${1:?usage: prune-runtime.sh <app dir>}"
nm="$app/node_modules"
core="$nm/tesseract.js-core"
if [ ! -d "$core" ]; then
  echo "prune-runtime: $core not found; run npm ci --omit=dev first" >&2
  exit 1
fi

# 1. tesseract.js-core ships six builds, each as X.js (Node's loader, which reads X.wasm beside it) and X.wasm.js (the
#    wasm inlined, for browsers). tesseract.js's Node getCore (src/worker-script/node/getCore.js) picks one by wasm
#    features and its first argument. It means that argument to be an OEM and keeps the *-lstm builds for
#    LSTM_ONLY, but tesseract.js 7 passes a boolean (`lstmOnly`, worker-script/index.js), which never equals an OEM:
#    Node always loads a full build. Kept: tesseract-core-simd (every x86_64 and arm64 CPU Node 20 runs on),
#    tesseract-core (no wasm SIMD: CPUs without SSE4.1, some emulators), and tesseract-core-relaxedsimd only on a
#    Node with relaxed SIMD (22 and later; 20 has it behind a flag). test/docker.test.ts recognises a real passport
#    on the pruned install, so a tesseract.js that picks otherwise fails there, not in users' containers.
keep="tesseract-core-simd tesseract-core"
if (cd "$app" && node -e "require('wasm-feature-detect').relaxedSimd().then((ok) => process.exit(ok ? 0 : 1))"); then
  keep="$keep tesseract-core-relaxedsimd"
fi
for file in "$core"/tesseract-core*; do
  name=$(basename "$file")
  stem=${name%%.*}
  case " $keep " in
    *" $stem "*) case "$name" in *.wasm.js) rm -f "$file" ;; esac ;;
    *) rm -f "$file" ;;
  esac
done

# 2. Each @tesseract.js-data package ships 4.0.0 (float "best") and 4.0.0_best_int models; languageDataPath() in
#    src/ocr/tesseract-engine.ts loads only 4.0.0_best_int.
for lang in "$nm"/@tesseract.js-data/*; do
  rm -rf "$lang/4.0.0"
done

# 3. Files Node never loads at run time: type declarations, source maps, TypeScript sources, markdown. dist/ keeps
#    its source maps (small, and `node --enable-source-maps` gives readable stacks), only its declarations go.
find "$nm" -type f \( -name '*.d.ts' -o -name '*.d.mts' -o -name '*.d.cts' -o -name '*.map' \
  -o -name '*.ts' -o -name '*.mts' -o -name '*.cts' -o -name '*.md' -o -name '*.markdown' \) -delete
if [ -d "$app/dist" ]; then find "$app/dist" -type f -name '*.d.ts' -delete; fi

# 4. Tests, docs, examples and benchmarks at a package's root (beside its package.json): never required.
find "$nm" -type d \( -name test -o -name tests -o -name __tests__ -o -name docs -o -name doc -o -name example \
  -o -name examples -o -name benchmark -o -name benchmarks -o -name .github -o -name coverage \) -prune -print |
  while read -r dir; do
    if [ -f "$(dirname "$dir")/package.json" ]; then rm -rf "$dir"; fi
  done

echo "prune-runtime: kept tesseract.js-core builds: $keep"
