/**
 * The quick half of the Docker checks, run by every `npm test`; scripts/docker-check.sh (run by .ci/run) builds the
 * real image and runs it. What can be checked of the image without a container tool:
 * - the Dockerfile's shape (multi-stage, non-root, HOST=0.0.0.0, production dependencies, HEALTHCHECK, exec-form CMD)
 *   and that every COPY source exists and is not excluded by .dockerignore;
 * - the runtime itself, built the way the Dockerfile builds it: the packed package, `npm ci --omit=dev
 *   --ignore-scripts`, the same prune script; its size is measured and printed, and `node dist/cli.js` is started
 *   from there to answer /health, a real recognition, the admin API (as a Testcontainers test would) and SIGTERM.
 */
import { execFile } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnCli } from './helpers/cli.js';
import { PROJECT_ID, tokenRequestBody } from './helpers/index.js';

const run = promisify(execFile);
const ROOT = new URL('..', import.meta.url).pathname;
const read = (path: string) => readFileSync(join(ROOT, path), 'utf8');
/** The budget for node_modules + dist after pruning. */
const SIZE_BUDGET_MB = 60;

interface Instruction {
  name: string;
  args: string;
}

/** Dockerfile instructions, continuation lines joined, comments dropped. */
function instructions(text: string): Instruction[] {
  return text
    .replace(/\\\n/g, ' ')
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line && !line.startsWith('#'))
    .map((line) => {
      const [name = '', ...rest] = line.split(/\s+/);
      return { name: name.toUpperCase(), args: rest.join(' ') };
    });
}

/** .dockerignore semantics enough for this file: globs with * and **, `!` re-includes, the last match wins. */
function ignored(path: string, patterns: string[]): boolean {
  let result = false;
  for (const raw of patterns) {
    const negated = raw.startsWith('!');
    const pattern = (negated ? raw.slice(1) : raw).replace(/^\/+|\/+$/g, '');
    // A private-use character stands in for `**` while `*` is rewritten.
    const regex = new RegExp(
      `^${pattern
        .replace(/[.+^${}()|[\]\\]/g, '\\$&')
        .replace(/\*\*/g, '\uE000')
        .replace(/\*/g, '[^/]*')
        .replace(/\uE000/g, '.*')}(/.*)?$`,
    );
    if (regex.test(path)) result = !negated;
  }
  return result;
}

describe('the Dockerfile', () => {
  const steps = instructions(read('Dockerfile'));
  const stages: Instruction[][] = [];
  for (const step of steps) {
    if (step.name === 'FROM') stages.push([step]);
    else stages.at(-1)?.push(step);
  }
  const final = stages.at(-1) ?? [];

  it('copies only sources that exist and that .dockerignore lets through', () => {
    const patterns = read('.dockerignore')
      .split('\n')
      .map((l) => l.trim())
      .filter((l) => l && !l.startsWith('#'));
    const sources = steps
      .filter((step) => step.name === 'COPY' && !step.args.includes('--from='))
      .flatMap((step) =>
        step.args
          .split(/\s+/)
          .filter((word) => !word.startsWith('--'))
          .slice(0, -1),
      );
    expect(sources.length).toBeGreaterThan(3);
    for (const source of sources) {
      expect(existsSync(join(ROOT, source)), source).toBe(true);
      expect(ignored(source, patterns), `${source} is excluded by .dockerignore`).toBe(false);
    }
  });

  it('bases every stage on the slim image of the lowest Node that package.json engines accepts', () => {
    const bases = new Set(stages.map(([from]) => from?.args.split(/\s+/)[0]));
    const engines = (JSON.parse(read('package.json')) as { engines: { node: string } }).engines.node;
    const lowest = /^>=(\d+)$/.exec(engines)?.[1];
    expect(lowest, `engines.node "${engines}" is not ">=<major>"`).toBeDefined();
    expect(bases.size).toBe(1);
    expect([...bases][0]).toMatch(new RegExp(`^node:${lowest}-[a-z]+-slim$`));
  });

  it('is multi-stage, with a non-root runtime on 0.0.0.0, production dependencies, a health check and an exec-form CMD', () => {
    expect(stages.length).toBeGreaterThanOrEqual(2);
    expect(steps.some((s) => s.name === 'RUN' && /npm ci --omit=dev/.test(s.args))).toBe(true);
    expect(steps.some((s) => s.name === 'RUN' && /prune-runtime\.sh/.test(s.args))).toBe(true);
    expect(final.find((s) => s.name === 'USER')?.args).toBe('node');
    expect(final.find((s) => s.name === 'ENV')?.args).toMatch(/HOST=0\.0\.0\.0/);
    expect(final.find((s) => s.name === 'HEALTHCHECK')?.args).toMatch(/\/health/);
    expect(JSON.parse(final.find((s) => s.name === 'CMD')?.args ?? 'null')).toEqual(['node', 'dist/cli.js']);
    // The runtime stage installs nothing itself: no compiler, no dev dependencies.
    expect(final.filter((s) => s.name === 'RUN')).toEqual([]);
  });
});

const startRuntime = (dir: string) =>
  spawnCli({ script: 'dist/cli.js', cwd: dir, baseEnv: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? tmpdir() }, timeoutMs: 60_000 });

describe('the runtime the image runs, from a production install', () => {
  let work: string;
  let app: string;
  let runtime: Awaited<ReturnType<typeof startRuntime>>;
  let sizes: { nodeModulesKb: number; distKb: number; fontsKb: number };

  beforeAll(async () => {
    work = mkdtempSync(join(tmpdir(), 'ocr-mock-runtime-'));
    app = join(work, 'app');
    mkdirSync(app);
    // --ignore-scripts: `prepare` would rebuild dist/ while other test files may be running it.
    const { stdout } = await run('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', work], { cwd: ROOT });
    const [{ filename }] = JSON.parse(stdout) as [{ filename: string }];
    await run('tar', ['-xzf', join(work, filename), '-C', app, '--strip-components=1']);
    cpSync(join(ROOT, 'package-lock.json'), join(app, 'package-lock.json'));
    await run('npm', ['ci', '--omit=dev', '--ignore-scripts', '--prefer-offline', '--no-audit', '--no-fund'], { cwd: app });
    await run('sh', ['scripts/prune-runtime.sh', app], { cwd: app });
    const kb = async (path: string) => Number((await run('du', ['-sk', join(app, path)])).stdout.split(/\s/)[0]);
    sizes = { nodeModulesKb: await kb('node_modules'), distKb: await kb('dist'), fontsKb: await kb('fixtures/fonts') };
    runtime = await startRuntime(app);
  }, 240_000);

  afterAll(() => {
    if (runtime?.child.exitCode === null) runtime.child.kill('SIGKILL');
    if (work) rmSync(work, { recursive: true, force: true });
  });

  it(`fits in ${SIZE_BUDGET_MB} MB of node_modules and dist`, () => {
    const totalMb = (sizes.nodeModulesKb + sizes.distKb) / 1024;
    console.log(
      `runtime size: node_modules ${(sizes.nodeModulesKb / 1024).toFixed(1)} MB + dist ${(sizes.distKb / 1024).toFixed(1)} MB = ` +
        `${totalMb.toFixed(1)} MB (fonts for the fixture command: ${(sizes.fontsKb / 1024).toFixed(1)} MB more)`,
    );
    expect(totalMb).toBeLessThanOrEqual(SIZE_BUDGET_MB);
    // Only the language models the engine loads, and only the tesseract builds Node can pick.
    expect(existsSync(join(app, 'node_modules/@tesseract.js-data/eng/4.0.0_best_int'))).toBe(true);
    expect(existsSync(join(app, 'node_modules/@tesseract.js-data/eng/4.0.0'))).toBe(false);
    expect(existsSync(join(app, 'node_modules/tesseract.js-core/tesseract-core-simd.wasm'))).toBe(true);
    expect(existsSync(join(app, 'node_modules/tesseract.js-core/tesseract-core-simd-lstm.wasm'))).toBe(false);
    expect(existsSync(join(app, 'node_modules/typescript'))).toBe(false);
  });

  it('is healthy, recognises a passport, and its admin API answers a client from outside (as under Testcontainers)', async () => {
    expect((await fetch(`${runtime.url}/health`)).status).toBe(200);
    const issued = await fetch(`${runtime.url}/v3/auth/tokens`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(tokenRequestBody()) });
    const token = issued.headers.get('x-subject-token') ?? '';
    const expected = JSON.parse(read('fixtures/passport/p01-clean.json'));
    const response = await fetch(`${runtime.url}/v2/${PROJECT_ID}/ocr/passport`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-auth-token': token, 'x-mock-namespace': 'container-test' },
      body: JSON.stringify({ image: readFileSync(join(ROOT, 'fixtures/passport/p01-clean.png')).toString('base64') }),
    });
    expect(response.status).toBe(200);
    expect((await response.json()).result).toMatchObject({ passport_number: expected.passport_number, surname: expected.surname });

    // The package's own client entry point, as a Testcontainers test would import it.
    const { AdminClient } = (await import(join(app, 'dist/client/admin-client.js'))) as typeof import('../src/client/admin-client.js');
    const admin = new AdminClient(runtime.url).namespace('container-test');
    expect((await admin.journal()).map((e) => [e.api, e.status])).toEqual([['passport', 200]]);
  });

  it('runs the fixture command with the packed fonts', async () => {
    const out = join(work, 'card.png');
    const { stdout } = await run(process.execPath, ['dist/cli.js', 'fixture', 'bankcard', '--card-holder', 'IN A CONTAINER', '--out', out], { cwd: app });
    expect(JSON.parse(stdout)).toMatchObject({ card_holder: 'IN A CONTAINER' });
    expect(existsSync(out)).toBe(true);
  });

  it('exits 0 on SIGTERM', async () => {
    const exited = new Promise<number | null>((resolve) => runtime.child.on('exit', resolve));
    runtime.child.kill('SIGTERM');
    expect(await exited).toBe(0);
  });
});
