/**
 * Issue 17, Node versions: one supported LTS (Node 24) declared in package.json, true for every installed package's
 * own `engines.node`, and the same in the README and the type declarations. scripts/check-engines.sh checks the
 * same in CI by installing the lockfile with `npm ci --engine-strict` under that Node.
 */
import { readdirSync, readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import semver from 'semver';
import { describe, expect, it } from 'vitest';

const ROOT = new URL('..', import.meta.url).pathname;
const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
  engines: { node: string };
  devDependencies: Record<string, string>;
};
const declared = pkg.engines.node;
const major = semver.minVersion(declared)?.major;

/** Every package.json under node_modules that npm installed (nested ones included). */
function installed(dir = join(ROOT, 'node_modules')): { name: string; engines?: { node?: string } }[] {
  const found: { name: string; engines?: { node?: string } }[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (!entry.isDirectory() || entry.name.startsWith('.')) continue;
    const path = join(dir, entry.name);
    if (entry.name.startsWith('@')) {
      found.push(...installed(path));
      continue;
    }
    const manifest = join(path, 'package.json');
    if (existsSync(manifest)) found.push(JSON.parse(readFileSync(manifest, 'utf8')));
    if (existsSync(join(path, 'node_modules'))) found.push(...installed(join(path, 'node_modules')));
  }
  return found;
}

describe('the declared Node version', () => {
  it('is Node 24 LTS onwards', () => {
    expect(declared).toBe('>=24');
    expect(major).toBe(24);
  });

  it('is within the range of every installed package', () => {
    const packages = installed();
    expect(packages.length).toBeGreaterThan(100);
    const refusing = packages
      .filter((p) => typeof p.engines?.node === 'string')
      .filter((p) => !semver.subset(declared, p.engines?.node as string, { includePrerelease: false }))
      .map((p) => `${p.name} wants node ${p.engines?.node}`);
    expect(refusing).toEqual([]);
  });

  it('is what the README says and what @types/node describes', () => {
    const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
    expect(readme).toContain(`Node.js ${major} (LTS) or later`);
    expect(semver.minVersion(pkg.devDependencies['@types/node'] as string)?.major).toBe(major);
  });
});
