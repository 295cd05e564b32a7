/**
 * Whether dist/ is current: it has the CLI, and nothing that goes into the build (src/, tsconfig.json, package.json)
 * changed after it was written. Plain JavaScript, so it runs before anything is compiled.
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

function newestMtime(path) {
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  let newest = stat.mtimeMs;
  for (const entry of readdirSync(path)) newest = Math.max(newest, newestMtime(join(path, entry)));
  return newest;
}

/** @param {string} root the package's directory */
export function distIsCurrent(root) {
  const built = join(root, 'dist', 'cli.js');
  if (!existsSync(built)) return false;
  // An installed package has no sources: its dist/ is what it ships.
  if (!existsSync(join(root, 'src'))) return true;
  const inputs = ['src', 'tsconfig.json', 'package.json'].map((p) => join(root, p)).filter((p) => existsSync(p));
  return Math.max(...inputs.map(newestMtime)) <= statSync(built).mtimeMs;
}
