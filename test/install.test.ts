/**
 * Issue 17: ocr-mock installs as a dependency of another project the three ways a user would, from npm's cache
 * (which `npm ci` filled): from the tarball of `npm pack`, from a `git+file://` URL of this repository (npm
 * clones it, installs its dev dependencies and runs `prepare`), and from the path of a fresh clone (npm links it and
 * runs `prepare`, which installs the clone's own dependencies first). Each time the installed package is imported
 * by name, its types resolve for a TypeScript user, and a server starts from it and answers.
 * The git and path forms use the committed HEAD (CI runs on a clean clone).
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { distIsCurrent } from '../scripts/dist-current.mjs';

const run = promisify(execFile);
const ROOT = new URL('..', import.meta.url).pathname;
const INSTALL_TIMEOUT_MS = 8 * 60_000;
// From npm's cache, which `npm ci` filled; the registry only for what the cache lacks.
const NPM = ['--prefer-offline', '--no-audit', '--no-fund', '--loglevel=error'];

/** A scratch project that depends on ocr-mock from `spec`. */
async function projectWith(spec: string, dir: string): Promise<string> {
  const project = join(dir, 'project');
  await run('mkdir', ['-p', project]);
  writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'scratch', version: '1.0.0', private: true, type: 'module' }));
  const started = Date.now();
  await run('npm', ['install', '--save-dev', spec, ...NPM], { cwd: project, maxBuffer: 64 * 1024 * 1024 });
  console.log(`npm install ${spec.replace(dir, '<tmp>')}: ${Math.round((Date.now() - started) / 1000)} s`);
  return project;
}

/** Imports the installed package by name, starts a server from it (no OCR warm-up) and asks it for a token. */
async function smoke(project: string): Promise<{ health: number; token: number; client: string }> {
  const script = `
    import { startMockServer } from 'ocr-mock';
    import { AdminClient } from 'ocr-mock/client';
    const server = await startMockServer({ port: 0, config: { warmup: false } });
    const health = (await fetch(server.url + '/health')).status;
    const token = (await fetch(server.url + '/v3/auth/tokens', { method: 'POST', headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ auth: { identity: { methods: ['password'], password: { user: { name: 'mock-user', password: 'mock-password', domain: { name: 'mock-domain' } } } }, scope: { project: { name: 'ae-ad-1' } } } }) })).status;
    const client = (server.admin instanceof AdminClient) ? 'AdminClient' : 'other';
    await server.close();
    console.log(JSON.stringify({ health, token, client }));
  `;
  writeFileSync(join(project, 'smoke.mjs'), script);
  const { stdout } = await run(process.execPath, ['smoke.mjs'], { cwd: project });
  return JSON.parse(stdout.trim().split('\n').at(-1) ?? '{}');
}

/** A TypeScript user's view: the package's types resolve under strict NodeNext. */
async function typecheck(project: string): Promise<void> {
  writeFileSync(
    join(project, 'use.ts'),
    `import { startMockServer, type MockServer } from 'ocr-mock';
     import { AdminClient, fault } from 'ocr-mock/client';
     export async function start(): Promise<MockServer> { return startMockServer({ port: 0 }); }
     export const f = fault({ error: 'ModelArts.4503', times: 1 });
     export const c: AdminClient = new AdminClient('http://127.0.0.1:1');\n`,
  );
  writeFileSync(
    join(project, 'tsconfig.json'),
    JSON.stringify({
      compilerOptions: {
        target: 'ES2022',
        module: 'NodeNext',
        moduleResolution: 'NodeNext',
        strict: true,
        noEmit: true,
        skipLibCheck: true,
        types: [],
        typeRoots: [join(ROOT, 'node_modules', '@types')],
      },
      files: ['use.ts'],
    }),
  );
  await run(process.execPath, [join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.json'], { cwd: project });
}

describe('installing ocr-mock as a dependency', () => {
  const dirs: string[] = [];
  const scratch = () => {
    const dir = mkdtempSync(join(tmpdir(), 'ocr-mock-install-'));
    dirs.push(dir);
    return dir;
  };
  beforeAll(async () => {
    if (!distIsCurrent(ROOT)) await run('npm', ['run', 'build'], { cwd: ROOT });
  }, INSTALL_TIMEOUT_MS);
  afterAll(() => {
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  });

  it('from the tarball of npm pack', { timeout: INSTALL_TIMEOUT_MS }, async () => {
    const dir = scratch();
    // dist/ is current (above), so pack without running prepare again.
    await run('npm', ['pack', '--ignore-scripts', '--pack-destination', dir, '--loglevel=error'], { cwd: ROOT });
    const tarball = readdirSync(dir).find((name) => name.endsWith('.tgz'));
    expect(tarball).toMatch(/^ocr-mock-.*\.tgz$/);
    const project = await projectWith(join(dir, tarball as string), dir);
    expect(await smoke(project)).toEqual({ health: 200, token: 201, client: 'AdminClient' });
    await typecheck(project);
  });

  it('from a git+file:// URL of the repository', { timeout: INSTALL_TIMEOUT_MS }, async () => {
    const dir = scratch();
    const project = await projectWith(`git+file://${ROOT.replace(/\/$/, '')}`, dir);
    expect(await smoke(project)).toEqual({ health: 200, token: 201, client: 'AdminClient' });
    await typecheck(project);
  });

  it('from the path of a fresh clone', { timeout: INSTALL_TIMEOUT_MS }, async () => {
    const dir = scratch();
    await run('git', ['clone', '--quiet', ROOT, join(dir, 'clone')]);
    const project = await projectWith(join(dir, 'clone'), dir);
    expect(await smoke(project)).toEqual({ health: 200, token: 201, client: 'AdminClient' });
    await typecheck(project);
  });
});
