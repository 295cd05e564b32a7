#!/usr/bin/env node
/**
 * `npm start`: compiles only when dist/ is out of date (scripts/dist-current.mjs), then runs the server in this very
 * process, so a signal to `npm start` reaches it: package.json runs this script with `exec`, which makes it npm's
 * direct child, and npm forwards SIGTERM and SIGINT to its child. Should npm itself die without forwarding (SIGKILL),
 * this process notices that its parent changed and stops the server the same way, rather than hold the port.
 */
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { distIsCurrent } from './dist-current.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

if (!distIsCurrent(root)) {
  console.error('ocr-mock: dist/ is older than src/, compiling (npm run build)…');
  const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
  const built = spawnSync(process.execPath, [tsc, '-p', join(root, 'tsconfig.json')], { stdio: 'inherit' });
  if (built.status !== 0) process.exit(built.status ?? 1);
}

const parent = process.ppid;
setInterval(() => {
  if (process.ppid !== parent) process.kill(process.pid, 'SIGTERM');
}, 250).unref();

await import(pathToFileURL(join(root, 'dist', 'cli.js')).href);
