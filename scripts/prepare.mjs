/**
 * `prepare`: compiles dist/. npm runs it
 * - after `npm ci` / `npm install` in a clone (dev dependencies are there);
 * - when a project installs this package from a git URL (npm installs the dev dependencies in its temporary clone
 *   first, then packs the result);
 * - when a project installs a clone by path (`npm install ../ocr-mock`): npm links the directory and runs this, but
 *   installs none of its dependencies, so a fresh clone has no compiler. Then the lockfile's dependencies are
 *   installed here first (`npm ci --ignore-scripts`; offline once npm's cache has them), and the link works.
 * Installing the tarball of `npm pack` runs nothing: it already holds dist/.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(join(root, 'package.json'));

function compiler() {
  try {
    return require.resolve('typescript/bin/tsc');
  } catch {
    return undefined;
  }
}

function run(command, args) {
  const result = spawnSync(command, args, { cwd: root, stdio: 'inherit' });
  if (result.status !== 0) process.exit(result.status ?? 1);
}

if (!compiler()) {
  if (!existsSync(join(root, 'package-lock.json'))) {
    console.error('ocr-mock: no TypeScript compiler and no lockfile to install one from; cannot build dist/');
    process.exit(1);
  }
  console.error(`ocr-mock: installing its own dependencies in ${root} to compile it (npm ci --ignore-scripts)`);
  run('npm', ['ci', '--include=dev', '--ignore-scripts', '--no-audit', '--no-fund']);
}
run(process.execPath, [compiler() ?? 'tsc', '-p', join(root, 'tsconfig.json')]);
