/**
 * The sandbox page's routes, through inject: the page and its files, what it is told (APIs, error codes, the
 * sandbox identity), the fixture list and images, refusals of every name outside those lists, `/` leading to the
 * page, and that it loads whether the admin API is on, off or behind a token. The page in a real browser:
 * test/routes/ui-browser.test.ts.
 */
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import Fastify from 'fastify';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { defaultConfig } from '../../src/config.js';
import { ERROR_CATALOGUE } from '../../src/errors/catalogue.js';
import { registerErrorHandling } from '../../src/gateway/vendor-errors.js';
import { DOCUMENT_TYPES } from '../../src/recognition/registry.js';
import { uiRoutes } from '../../src/routes/ui.js';
import { blankPng, buildTestApp, DEFAULT_CREDENTIALS, tokenRequestBody, type TestApp } from '../helpers/index.js';

const ROOT = new URL('../..', import.meta.url).pathname;
const UI_FILES = readdirSync(join(ROOT, 'ui'));

/** Absolute URLs in a text, with the one that names an XML namespace (never fetched) left out. */
function externalUrls(text: string): string[] {
  return [...text.matchAll(/\b[a-z][a-z0-9+.-]*:\/\/[^\s'"`<>)]+/gi)].map((match) => match[0]).filter((url) => url !== 'http://www.w3.org/2000/svg');
}

describe('the sandbox page', () => {
  let t: TestApp;
  beforeEach(async () => {
    t = await buildTestApp();
  });

  it('is linked from / and /_mock/ui/ by a redirect', async () => {
    for (const url of ['/', '/_mock/ui/']) {
      const response = await t.app.inject({ url });
      expect({ url, status: response.statusCode, location: response.headers.location }).toEqual({ url, status: 302, location: '/_mock/ui' });
    }
  });

  it('serves the page as HTML, forbidding the browser to load anything from elsewhere', async () => {
    const response = await t.app.inject({ url: '/_mock/ui' });
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(response.headers['content-security-policy']).toContain("default-src 'none'");
    expect(response.headers['content-security-policy']).toContain("connect-src 'self'");
    expect(response.headers['x-content-type-options']).toBe('nosniff');
    expect(response.body).toBe(readFileSync(join(ROOT, 'ui/index.html'), 'utf8'));
  });

  it('serves every file the page names, each with its content type', async () => {
    const page = (await t.app.inject({ url: '/_mock/ui' })).body;
    const named = [...page.matchAll(/\b(?:src|href)="([^"]*)"/g)].map((match) => match[1] as string);
    const assets = named.filter((url) => url.startsWith('/_mock/ui/assets/'));
    expect(new Set(assets)).toEqual(new Set(['/_mock/ui/assets/app.js', '/_mock/ui/assets/style.css', '/_mock/ui/assets/icon.svg']));
    // Everything else the page links to is on this server too.
    expect(named.filter((url) => !url.startsWith('/_mock/ui/assets/'))).toEqual(['/docs']);
    const types = { js: 'text/javascript; charset=utf-8', css: 'text/css; charset=utf-8', svg: 'image/svg+xml' } as Record<string, string>;
    for (const url of assets) {
      const response = await t.app.inject({ url });
      const extension = url.slice(url.lastIndexOf('.') + 1);
      expect({ url, status: response.statusCode, type: response.headers['content-type'] }).toEqual({ url, status: 200, type: types[extension] });
      expect(response.rawPayload.equals(readFileSync(join(ROOT, 'ui', url.slice('/_mock/ui/assets/'.length))))).toBe(true);
    }
  });

  it('names no other host in its HTML, script, style sheet or icon, and imports nothing', async () => {
    expect(UI_FILES.sort()).toEqual(['app.js', 'icon.svg', 'index.html', 'style.css']);
    for (const file of UI_FILES) {
      const text = readFileSync(join(ROOT, 'ui', file), 'utf8');
      expect({ file, urls: externalUrls(text) }).toEqual({ file, urls: [] });
      expect({ file, protocolRelative: /(?:src|href)\s*=\s*["']\/\/|url\(\s*["']?\/\//.test(text) }).toEqual({ file, protocolRelative: false });
    }
    const script = readFileSync(join(ROOT, 'ui/app.js'), 'utf8');
    expect(script).not.toMatch(/^\s*import\b|\bimport\s*\(/m);
    const css = readFileSync(join(ROOT, 'ui/style.css'), 'utf8');
    expect(css).not.toMatch(/@import|@font-face|url\(/);
  });

  it('tells the page the APIs with their extra fields, the error codes and the sandbox identity', async () => {
    const settings = (await t.app.inject({ url: '/_mock/ui/settings' })).json();
    expect(settings.apis.map((api: { api: string }) => api.api)).toEqual(DOCUMENT_TYPES.map((document) => document.api));
    expect(settings.apis.find((api: { api: string }) => api.api === 'passport')).toEqual({ api: 'passport', label: 'Passport', path: '/v2/{project_id}/ocr/passport', fields: [] });
    if (DOCUMENT_TYPES.some((document) => document.api === 'emirates-id-card')) {
      expect(settings.apis.find((api: { api: string }) => api.api === 'emirates-id-card').fields).toEqual([{ name: 'side', required: false, values: ['front', 'back'] }]);
    }
    expect(settings.errors).toHaveLength(Object.keys(ERROR_CATALOGUE).length);
    expect(settings.errors[0]).toEqual({ code: 'AIS.0101', ...ERROR_CATALOGUE['AIS.0101'] });
    expect(settings.identity).toEqual({ ...DEFAULT_CREDENTIALS, project: 'ae-ad-1' });
    // The identity the page is given is one IAM accepts.
    const token = await t.app.inject({ method: 'POST', url: '/v3/auth/tokens', payload: tokenRequestBody({ name: settings.identity.project }) });
    expect(token.statusCode).toBe(201);
  });

  it('lists a few clean fixtures per API, with their expected result, and serves their images', async () => {
    const { fixtures } = (await t.app.inject({ url: '/_mock/ui/fixtures' })).json() as {
      fixtures: Array<{ api: string; name: string; url: string; fields: Record<string, string>; expected: Record<string, unknown> }>;
    };
    const passports = fixtures.filter((fixture) => fixture.api === 'passport');
    expect(passports.length).toBeGreaterThan(0);
    expect(passports.length).toBeLessThanOrEqual(12);
    expect(fixtures.every((fixture) => /-clean\.png$/.test(fixture.name))).toBe(true);
    const p01 = passports.find((fixture) => fixture.name === 'p01-clean.png');
    expect(p01).toEqual({
      api: 'passport',
      name: 'p01-clean.png',
      url: '/_mock/ui/fixtures/passport/p01-clean.png',
      fields: {},
      expected: JSON.parse(readFileSync(join(ROOT, 'fixtures/passport/p01-clean.json'), 'utf8')),
    });
    const image = await t.app.inject({ url: p01?.url ?? '' });
    expect(image.statusCode).toBe(200);
    expect(image.headers['content-type']).toBe('image/png');
    expect(image.rawPayload.equals(readFileSync(join(ROOT, 'fixtures/passport/p01-clean.png')))).toBe(true);
    // An ID card fixture carries its side, so the page sends the field the fixture was made for.
    for (const card of fixtures.filter((fixture) => fixture.api === 'emirates-id-card')) {
      expect(card.fields).toEqual({ side: card.expected.side });
    }
  });

  it('refuses every other name, traversal included, as an unknown path', async () => {
    const secret = readFileSync(join(ROOT, 'package.json'), 'utf8');
    for (const url of [
      '/_mock/ui/fixtures/passport/..%2F..%2Fpackage.json',
      '/_mock/ui/fixtures/passport/..%2F..%2F..%2Fpackage.json',
      '/_mock/ui/fixtures/..%2F..%2Fsrc/config.ts',
      '/_mock/ui/fixtures/%2E%2E/package.json',
      '/_mock/ui/fixtures/passport/%2e%2e%2f%2e%2e%2fpackage.json',
      '/_mock/ui/fixtures/passport/p01-clean.json',
      '/_mock/ui/fixtures/passport/p01-medium.jpg',
      '/_mock/ui/fixtures/passport/index.json',
      '/_mock/ui/fixtures/passport/p01-clean.png%00.txt',
      '/_mock/ui/fixtures/passport/P01-CLEAN.PNG',
      '/_mock/ui/fixtures/fonts/OFL.txt',
      '/_mock/ui/fixtures/passport',
      '/_mock/ui/assets/..%2Fpackage.json',
      '/_mock/ui/assets/..%2F..%2Fpackage.json',
      '/_mock/ui/assets/%2e%2e%2f%2e%2e%2fpackage.json',
      '/_mock/ui/assets/app.ts',
      '/_mock/ui/assets/',
      '/_mock/ui/assets/.hidden.js',
      '/_mock/ui/../../package.json',
      '/_mock/ui/index.html',
    ]) {
      const response = await t.app.inject({ url });
      expect({ url, status: response.statusCode }).toEqual({ url, status: 404 });
      expect(response.body).not.toContain(secret.slice(0, 40));
      expect(response.headers['content-type']).toMatch(/^application\/json/);
    }
    const unknown = await t.app.inject({ url: '/_mock/ui/fixtures/passport/p99-clean.png' });
    expect(unknown.json()).toMatchObject({ error_code: 'APIG.0101' });
  });

  it('is not journaled, not throttled, and not in the OpenAPI document', async () => {
    for (const url of ['/_mock/ui', '/_mock/ui/assets/app.js', '/_mock/ui/settings', '/_mock/ui/fixtures', '/_mock/ui/fixtures/passport/p01-clean.png']) {
      expect((await t.app.inject({ url })).statusCode).toBe(200);
    }
    expect(t.app.mockState.journal.list()).toEqual([]);
    const paths = Object.keys((await t.app.inject({ url: '/openapi.json' })).json().paths);
    expect(paths.filter((path) => path === '/' || path.startsWith('/_mock'))).toEqual([]);
  });
});

describe('the sandbox page without the admin API, or behind its token', () => {
  it('loads with admin: false, while the journal it polls answers APIG.0101', async () => {
    const { app } = await buildTestApp({ config: { admin: false } });
    try {
      for (const url of ['/_mock/ui', '/_mock/ui/assets/app.js', '/_mock/ui/settings', '/_mock/ui/fixtures']) {
        expect({ url, status: (await app.inject({ url })).statusCode }).toEqual({ url, status: 200 });
      }
      expect((await app.inject({ url: '/' })).headers.location).toBe('/_mock/ui');
      const journal = await app.inject({ url: '/_mock/journal?limit=15' });
      expect({ status: journal.statusCode, code: journal.json().error_code }).toEqual({ status: 404, code: 'APIG.0101' });
    } finally {
      await app.close();
    }
  });

  it('loads without the admin token, while the journal asks for it', async () => {
    const { app } = await buildTestApp({ config: { adminToken: 'let-me-in' } });
    try {
      for (const url of ['/_mock/ui', '/_mock/ui/assets/style.css', '/_mock/ui/settings', '/_mock/ui/fixtures']) {
        expect({ url, status: (await app.inject({ url })).statusCode }).toEqual({ url, status: 200 });
      }
      expect((await app.inject({ url: '/_mock/journal' })).statusCode).toBe(401);
      expect((await app.inject({ url: '/_mock/journal', headers: { 'x-mock-admin-token': 'let-me-in' } })).statusCode).toBe(200);
    } finally {
      await app.close();
    }
  });
});

describe('the fixture list, from a folder of its own', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'ocr-mock-ui-fixtures-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  async function appWith(fixturesDir: string) {
    const app = Fastify({ logger: false });
    registerErrorHandling(app);
    await app.register(uiRoutes, { documents: DOCUMENT_TYPES, config: defaultConfig(), fixturesDir: pathToFileURL(`${fixturesDir}/`) });
    return app;
  }

  it('takes clean entries of each index, at most 12 per API, and skips an index it cannot read', async () => {
    mkdirSync(join(dir, 'passport'));
    const png = await blankPng(40, 20);
    const index = [];
    for (let n = 1; n <= 14; n++) {
      const name = `x${String(n).padStart(2, '0')}`;
      writeFileSync(join(dir, 'passport', `${name}-clean.png`), png);
      writeFileSync(join(dir, 'passport', `${name}-clean.json`), JSON.stringify({ surname: name.toUpperCase() }));
      index.push({ file: `${name}-clean.png`, expected: `${name}-clean.json`, level: 'clean', seed: n });
      index.push({ file: `${name}-heavy.jpg`, expected: `${name}-heavy.json`, level: 'heavy', seed: n });
    }
    index.push({ file: '../../../etc/passwd', expected: 'x01-clean.json', level: 'clean', seed: 0 });
    writeFileSync(join(dir, 'passport', 'index.json'), JSON.stringify(index));
    mkdirSync(join(dir, 'bankcard'));
    writeFileSync(join(dir, 'bankcard', 'index.json'), '{ not json');

    const app = await appWith(dir);
    try {
      const { fixtures } = (await app.inject({ url: '/_mock/ui/fixtures' })).json() as { fixtures: Array<{ api: string; name: string; expected: object }> };
      expect(fixtures.map((fixture) => fixture.name)).toEqual(Array.from({ length: 12 }, (_, i) => `x${String(i + 1).padStart(2, '0')}-clean.png`));
      expect(fixtures[0]?.expected).toEqual({ surname: 'X01' });
      expect((await app.inject({ url: '/_mock/ui/fixtures/passport/x12-clean.png' })).statusCode).toBe(200);
      expect((await app.inject({ url: '/_mock/ui/fixtures/passport/x13-clean.png' })).statusCode).toBe(404);
      expect((await app.inject({ url: '/_mock/ui/fixtures/passport/..%2F..%2F..%2Fetc%2Fpasswd' })).statusCode).toBe(404);
    } finally {
      await app.close();
    }
  });

  it('lists nothing, and the page still loads, when the install has no fixtures (the Docker image)', async () => {
    const app = await appWith(join(dir, 'absent'));
    try {
      expect((await app.inject({ url: '/_mock/ui/fixtures' })).json()).toEqual({ fixtures: [] });
      expect((await app.inject({ url: '/_mock/ui' })).statusCode).toBe(200);
    } finally {
      await app.close();
    }
  });
});

describe('packaging', () => {
  it('ships the page in the npm package and copies it into the Docker image', async () => {
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { files: string[] };
    expect(pkg.files).toContain('ui');
    const { stdout } = await promisify(execFile)('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: ROOT });
    const [{ files }] = JSON.parse(stdout) as [{ files: Array<{ path: string }> }];
    const packed = files.map((file) => file.path);
    for (const file of UI_FILES) expect(packed).toContain(`ui/${file}`);
    expect(readFileSync(join(ROOT, 'Dockerfile'), 'utf8')).toMatch(/^COPY ui \.\/ui$/m);
  }, 60_000);
});

describe("the sandbox page's identity", () => {
  it("is the running config's first identity, its password sent only when it is the published default", async () => {
    const own = { domain: 'team', user: 'alice', password: 'not-for-pages', projects: [{ id: 'p1', name: 'ae-ad-1' }] };
    const { app } = await buildTestApp({ config: { identities: [own] } });
    const settings = (await app.inject({ url: '/_mock/ui/settings' })).json();
    expect(settings.identity).toEqual({ domain: 'team', user: 'alice', password: '', project: 'ae-ad-1' });
  });
});
