/**
 * The sandbox page in a real browser: Debian's `chromium` driven by playwright-core (the browser builds npm would
 * download cannot be fetched here). The server starts as a test setup starts it (`startMockServer`, real OCR); the
 * page is opened from `/`, a fixture passport is uploaded through its file input, and the recognised surname, the
 * curl line, a forced fault and the live journal are checked. Screenshots go to test-output/.
 *
 * Without /usr/bin/chromium these tests fail in CI (where .ci/run installs it) and are skipped, with the reason in
 * their name, elsewhere.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startMockServer, type MockServer } from '../../src/server.js';
import { PROJECT_ID, FakeEngine } from '../helpers/index.js';

const ROOT = new URL('../..', import.meta.url).pathname;
const OUT = join(ROOT, 'test-output');
/** Debian's chromium by default; CHROMIUM_PATH names another Chromium or Chrome binary. */
const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];
const PASSPORT = join(ROOT, 'fixtures/passport/p01-clean.png');
const EXPECTED = JSON.parse(readFileSync(join(ROOT, 'fixtures/passport/p01-clean.json'), 'utf8')) as Record<string, string>;

const MISSING = `${CHROMIUM} is missing; install Chromium (README, "Browser tests") to run the browser tests`;
const skip = !existsSync(CHROMIUM) && !process.env.CI;
// Each test is skipped with this note, which the closing summary of the run prints (test/helpers/skipped-reporter.ts).
if (skip) console.warn(`test/routes/ui-browser.test.ts skipped: ${MISSING}`);

/** Chromium with a fresh profile (playwright passes it as --user-data-dir), removed on close. */
async function launch(): Promise<{ context: BrowserContext; close: () => Promise<void> }> {
  if (!existsSync(CHROMIUM)) throw new Error(`${MISSING} (CI installs it in .ci/run)`);
  const profile = mkdtempSync(join(tmpdir(), 'ocr-mock-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: ARGS,
    viewport: { width: 1440, height: 1000 },
  });
  return {
    context,
    close: async () => {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

/** A page that records script errors and any request leaving the server's origin. */
async function openPage(context: BrowserContext, origin: string): Promise<{ page: Page; errors: string[]; elsewhere: string[] }> {
  const page = await context.newPage();
  const errors: string[] = [];
  const elsewhere: string[] = [];
  page.on('pageerror', (error) => errors.push(error.message));
  page.on('console', (message) => {
    // Chromium logs every 4xx and 5xx answer as a failed load; those are the API's answers, not the page's faults.
    if (message.type() === 'error' && !message.text().startsWith('Failed to load resource')) errors.push(message.text());
  });
  page.on('request', (request) => {
    const url = request.url();
    if (!url.startsWith(`${origin}/`) && !url.startsWith('blob:') && !url.startsWith('data:')) elsewhere.push(url);
  });
  await page.goto(`${origin}/`);
  await page.locator('#token-status[data-state="ok"]').waitFor({ timeout: 15_000 });
  return { page, errors, elsewhere };
}

const text = async (page: Page, selector: string) => ((await page.locator(selector).first().textContent()) ?? '').trim();

describe('the sandbox page in headless Chromium', () => {
  let browser: Awaited<ReturnType<typeof launch>>;
  let server: MockServer;

  beforeEach((context) => {
    if (skip) context.skip(MISSING);
  });

  beforeAll(async () => {
    if (skip) return;
    mkdirSync(OUT, { recursive: true });
    browser = await launch();
    server = await startMockServer({ port: 0, config: { logLevel: 'warn' } });
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it('recognises an uploaded passport: surname, confidence, the curl line, the JSON and the journal', async () => {
    const { page, errors, elsewhere } = await openPage(browser.context, server.url);
    expect(page.url()).toBe(`${server.url}/_mock/ui`);

    await page.setInputFiles('#file', PASSPORT);
    const surname = page.locator('#fields tr[data-field="surname"] td.value');
    await surname.waitFor({ timeout: 60_000 });
    expect(await surname.textContent()).toBe(EXPECTED.surname);
    expect(await text(page, '#result-status .badge')).toMatch(/^200\b/);
    const width = await page.locator('#fields tr[data-field="surname"] .bar-fill').evaluate((bar) => (bar as HTMLElement).style.width);
    expect(Number.parseFloat(width)).toBeGreaterThan(50);

    const response = JSON.parse(await text(page, '#response')) as { result: Record<string, string> };
    expect(response.result).toMatchObject({ surname: EXPECTED.surname, passport_number: EXPECTED.passport_number });

    const curl = await text(page, '#curl');
    expect(curl).toContain(`'${server.url}/v2/${PROJECT_ID}/ocr/passport'`);
    expect(curl).toContain('-H "X-Auth-Token: $TOKEN"');
    expect(curl).toContain(`"$(base64 -w0 'p01-clean.png')"`);
    expect(curl).not.toContain('X-Mock-Scenario');

    // The journal row of exactly this request, found by its X-Request-Id.
    const requestId = await text(page, '#result-status code');
    const row = page.locator(`#journal tbody tr[data-request-id="${requestId}"]`);
    await row.waitFor({ timeout: 10_000 });
    expect(await row.textContent()).toMatch(/POST \/v2\/\w+\/ocr\/passport.*passport.*token.*200/);
    expect((await server.admin.journal({ api: 'passport' })).map((entry) => [entry.requestId, entry.authMethod, entry.status])).toContainEqual([requestId, 'token', 200]);

    await page.screenshot({ path: join(OUT, 'ui-sandbox-passport.png'), fullPage: true });
    expect({ errors, elsewhere }).toEqual({ errors: [], elsewhere: [] });
    await page.close();
  }, 90_000);

  it('forces a fault on the next request only, and the journal shows its code', async () => {
    const { page, errors, elsewhere } = await openPage(browser.context, server.url);
    await page.selectOption('#force', 'error=ModelArts.4503');
    expect(await text(page, '#curl')).toContain("-H 'X-Mock-Scenario: error=ModelArts.4503'");

    await page.selectOption('#fixture', '/_mock/ui/fixtures/passport/p01-clean.png');
    await page.locator('#result-status .badge', { hasText: '502' }).waitFor({ timeout: 15_000 });
    expect(await text(page, '#result-error')).toBe('ModelArts.4503: Backend service found error.');
    expect(await page.locator('#force').inputValue()).toBe('');
    const faulted = await text(page, '#result-status code');
    const row = page.locator(`#journal tbody tr[data-request-id="${faulted}"]`);
    await row.waitFor({ timeout: 10_000 });
    expect(await row.textContent()).toMatch(/502.*ModelArts\.4503.*scenario/);
    await page.screenshot({ path: join(OUT, 'ui-sandbox-fault.png'), fullPage: true });

    // The next one is not forced; a fixture's fields are checked against its expected result.
    await page.click('#send');
    await page.locator('#fields tr[data-field="surname"] td.value').waitFor({ timeout: 60_000 });
    expect(await text(page, '#result-status .badge')).toMatch(/^200\b/);
    expect(await text(page, '#result-error')).toBe('');
    expect(await text(page, '#fields tr[data-field="surname"] .check')).toBe('✓');
    expect({ errors, elsewhere }).toEqual({ errors: [], elsewhere: [] });
    await page.close();
  }, 90_000);

  it('says the journal is unavailable when the admin API is switched off, and still recognises', async () => {
    const off = await startMockServer({ port: 0, engine: new FakeEngine(), config: { logLevel: 'silent', warmup: false, admin: false } });
    try {
      const { page, errors, elsewhere } = await openPage(browser.context, off.url);
      await page.locator('#journal-note').waitFor();
      expect(await text(page, '#journal-note')).toContain('switched off');
      expect(await page.locator('#journal-live').isVisible()).toBe(false);
      // The scripted engine reads nothing, so the vendor's "no document" answer comes back, through the same routes.
      await page.setInputFiles('#file', PASSPORT);
      await page.locator('#result-status .badge', { hasText: '400' }).waitFor({ timeout: 15_000 });
      expect(await text(page, '#result-error')).toMatch(/^AIS\.0104: /);
      await page.screenshot({ path: join(OUT, 'ui-sandbox-admin-off.png'), fullPage: true });
      expect({ errors, elsewhere }).toEqual({ errors: [], elsewhere: [] });
      await page.close();
    } finally {
      await off.close();
    }
  }, 60_000);

  it('asks for the admin token when the admin API has one, then shows the journal', async () => {
    const guarded = await startMockServer({ port: 0, engine: new FakeEngine(), config: { logLevel: 'silent', warmup: false, adminToken: 'let-me-in' } });
    try {
      const { page } = await openPage(browser.context, guarded.url);
      await page.locator('#admin-token-form').waitFor();
      expect(await text(page, '#journal-note')).toContain('protected by a token');
      await page.fill('#admin-token', 'let-me-in');
      await page.click('#admin-token-form button');
      await page.locator('#journal-live').waitFor();
      await page.locator('#journal tbody tr', { hasText: '/v3/auth/tokens' }).waitFor({ timeout: 10_000 });
      expect(await page.locator('#admin-token-form').isVisible()).toBe(false);
      expect(await text(page, '#journal-note')).toBe('');
      await page.close();
    } finally {
      await guarded.close();
    }
  }, 60_000);
});
