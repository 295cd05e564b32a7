/**
 * The programmatic API as test setups use it: startMockServer's { url, admin, namespace, close }, an AdminClient
 * against a running server, and the README's Vitest and Jest globalSetup recipes, run exactly as written (the code
 * blocks are read from the README) against the built package.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AdminClient, fault, stub } from '../src/client/admin-client.js';
import { startMockServer, type MockServer } from '../src/server.js';
import { PASSPORT_RESULT } from './helpers/index.js';
import { PROJECT_ID, samplePng, FakeEngine, tokenRequestBody } from './helpers/index.js';

const ROOT = new URL('..', import.meta.url).pathname;
const OUT = join(ROOT, 'test-output', 'recipes');

/** The code block after `<!-- recipe:<name> -->` in the README, importing the built package instead of `ocr-mock`. */
function recipe(name: string): string {
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
  const at = readme.indexOf(`<!-- recipe:${name} -->`);
  if (at < 0) throw new Error(`README has no recipe ${name}`);
  const code = /```js\n([\s\S]*?)```/.exec(readme.slice(at))?.[1] ?? '';
  const dist = (file: string) => pathToFileURL(join(ROOT, 'dist', file)).href;
  return code.replaceAll("'ocr-mock/client'", `'${dist('client/admin-client.js')}'`).replaceAll("'ocr-mock'", `'${dist('index.js')}'`);
}

async function token(url: string): Promise<string> {
  const issued = await fetch(`${url}/v3/auth/tokens`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(tokenRequestBody()) });
  return issued.headers.get('x-subject-token') ?? '';
}

const passport = (url: string, auth: string, headers: Record<string, string> = {}, body: object = {}) =>
  fetch(`${url}/v2/${PROJECT_ID}/ocr/passport`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-auth-token': auth, ...headers },
    body: JSON.stringify(body),
  });

describe('startMockServer', () => {
  let server: MockServer;
  let auth: string;
  beforeAll(async () => {
    server = await startMockServer({ port: 0, engine: new FakeEngine(), config: { logLevel: 'silent', warmup: false } });
    auth = await token(server.url);
  });
  afterAll(() => server.close());

  it('returns a URL, a typed admin client, namespace handles and close', async () => {
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(server.admin).toBeInstanceOf(AdminClient);
    const a = server.namespace('file-a');
    expect(a.headers).toEqual({ 'X-Mock-Namespace': 'file-a' });
    expect(a.namespaceName).toBe('file-a');
    expect(server.admin.headers).toEqual({});
  });

  it('drives faults, stubs and the journal over HTTP, one namespace per test file', async () => {
    const a = server.namespace('file-a');
    const b = server.namespace('file-b');
    const png = await samplePng();
    await a.use(fault({ error: 'ModelArts.4503', times: 1 }), stub({ api: 'passport', image: png, result: PASSPORT_RESULT }));

    expect((await (await passport(server.url, auth, a.headers)).json()).error_code).toBe('ModelArts.4503');
    expect((await (await passport(server.url, auth, a.headers, { image: png.toString('base64') })).json()).result.surname).toBe('STUB');
    expect((await (await passport(server.url, auth, b.headers, {})).json()).error_code).toBe('AIS.0101');

    expect((await a.journal()).map((e) => [e.status, e.forcedBy?.replace(/-\d+$/, '')])).toEqual([
      [502, 'fault'],
      [200, 'stub'],
    ]);
    expect(await b.journal()).toHaveLength(1);
    await a.resetHandlers();
    expect([await a.faults(), await a.stubs()]).toEqual([[], []]);
    await a.reset();
    expect(await a.journal()).toEqual([]);
    expect(await b.journal()).toHaveLength(1);
  });

  it('sends the admin token when the server has one', async () => {
    const guarded = await startMockServer({ port: 0, engine: new FakeEngine(), config: { logLevel: 'silent', warmup: false, adminToken: 'let-me-in' } });
    try {
      expect(await guarded.admin.faults()).toEqual([]);
      await expect(new AdminClient(guarded.url).faults()).rejects.toMatchObject({ status: 401, code: 'unauthorized' });
      expect(await new AdminClient(guarded.url, { token: 'let-me-in' }).namespace('x').faults()).toEqual([]);
    } finally {
      await guarded.close();
    }
  });
});

describe('the README recipes', () => {
  beforeAll(() => mkdirSync(OUT, { recursive: true }));

  it('Vitest globalSetup: provides the URL of a warm server, and tears it down', async () => {
    const file = join(OUT, 'vitest-global-setup.mjs');
    writeFileSync(file, recipe('vitest-global-setup'));
    const setupModule = (await import(pathToFileURL(file).href)) as { setup(project: unknown): Promise<void>; teardown(): Promise<void> };
    const provided: Record<string, string> = {};
    await setupModule.setup({ provide: (key: string, value: string) => (provided[key] = value) });
    const url = provided.ocrMockUrl as string;
    try {
      expect((await fetch(`${url}/health`)).status).toBe(200);
      const ocr = new AdminClient(url).namespace('vitest-file');
      await ocr.addFault({ error: 'AIS.0105', times: 1 });
      expect((await (await passport(url, await token(url), ocr.headers)).json()).error_code).toBe('AIS.0105');
      expect(await ocr.journal({ api: 'passport' })).toHaveLength(1);
    } finally {
      await setupModule.teardown();
    }
    await expect(fetch(`${url}/health`)).rejects.toThrow();
  });

  it('Jest globalSetup and globalTeardown: the URL in OCR_MOCK_URL, the server closed after', async () => {
    const setupFile = join(OUT, 'jest-global-setup.cjs');
    const teardownFile = join(OUT, 'jest-global-teardown.cjs');
    writeFileSync(setupFile, recipe('jest-global-setup'));
    writeFileSync(teardownFile, recipe('jest-global-teardown'));
    const require = createRequire(import.meta.url);
    const previous = process.env.OCR_MOCK_URL;
    await (require(setupFile) as () => Promise<void>)();
    const url = process.env.OCR_MOCK_URL as string;
    try {
      expect((await fetch(`${url}/health`)).status).toBe(200);
      const ocr = new AdminClient(url).namespace('jest-file');
      expect((await ocr.config()).namespace).toBe('jest-file');
    } finally {
      await (require(teardownFile) as () => Promise<void>)();
      if (previous === undefined) delete process.env.OCR_MOCK_URL;
      else process.env.OCR_MOCK_URL = previous;
    }
    await expect(fetch(`${url}/health`)).rejects.toThrow();
  });
});
