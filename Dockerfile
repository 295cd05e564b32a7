# ocr-mock as a test double:  docker build -t ocr-mock . && docker run -p 8080:8080 ocr-mock
# Three stages: compile, install production dependencies and prune them, then a runtime with only what runs.

# 1. Compile TypeScript (dev dependencies live only here).
FROM node:24-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json tsconfig.json ./
# --ignore-scripts: `prepare` would compile before the sources are here; the build runs once, below.
RUN npm ci --ignore-scripts --no-audit --no-fund
COPY src ./src
RUN npm run build

# 2. Production dependencies only, with the language data from npm, pruned of what the runtime never loads
#    (scripts/prune-runtime.sh says what and why; test/docker.test.ts measures the result).
FROM node:24-bookworm-slim AS deps
WORKDIR /app
COPY package.json package-lock.json ./
# --ignore-scripts: sharp and tesseract.js ship prebuilt binaries and wasm; no install script is needed.
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund
COPY --from=build /app/dist ./dist
COPY scripts/prune-runtime.sh ./scripts/prune-runtime.sh
RUN sh scripts/prune-runtime.sh /app

# 3. Runtime: non-root, listening on every interface, nothing fetched at run time.
FROM node:24-bookworm-slim
ENV HOST=0.0.0.0 PORT=8080
# glibc keeps freed large buffers (images, OCR results) unless told to map them: RSS then returns to its start level
# after load (docs/reliability.md).
ENV MALLOC_MMAP_THRESHOLD_=131072
WORKDIR /app
COPY package.json ./
COPY --from=deps /app/node_modules ./node_modules
COPY --from=deps /app/dist ./dist
# The fixture command (`docker run ocr-mock node dist/cli.js fixture …`) renders with these fonts.
COPY fixtures/fonts ./fixtures/fonts
# The sandbox page (/_mock/ui): static files, served as they are.
COPY ui ./ui
USER node
EXPOSE 8080
# /health answers 200 once the OCR workers are warm; Testcontainers and compose can wait on it.
HEALTHCHECK --interval=5s --timeout=3s --start-period=20s --retries=5 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.PORT||8080)+'/health').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
# node runs as PID 1 (exec form, no shell) and handles SIGTERM itself (src/cli.ts), so `docker stop` exits 0 at once.
STOPSIGNAL SIGTERM
CMD ["node", "dist/cli.js"]
