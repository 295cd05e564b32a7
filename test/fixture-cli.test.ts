/** Black-box: `ocr-mock fixture …` as a user runs it (the built CLI), and its image recognised by the real engine. */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import sharp from 'sharp';
import { afterAll, describe, expect, it } from 'vitest';
import { renderPassport } from '../src/fixtures/passport.js';
import { FIXTURE_KINDS } from '../src/fixture-cli.js';
import { startMockServer } from '../src/server.js';
import { PROJECT_ID, tokenRequestBody } from './helpers/index.js';

const CLI = new URL('../dist/cli.js', import.meta.url).pathname;
const exec = promisify(execFile);
const dir = mkdtempSync(join(tmpdir(), 'ocr-mock-fixture-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function fixture(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await exec(process.execPath, [CLI, 'fixture', ...args]);
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}

describe('ocr-mock fixture', () => {
  it('writes the image the project generator makes and prints its expected result', async () => {
    const out = join(dir, 'passport.png');
    const run = await fixture('passport', '--surname', 'TESTER', '--given-name', 'ADA MARIE', '--passport_number', 'Z9876543', '--seed', '7', '--out', out);
    expect(run.code).toBe(0);
    const expected = JSON.parse(run.stdout);
    const reference = await renderPassport({ surname: 'TESTER', given_name: 'ADA MARIE', passport_number: 'Z9876543' }, { seed: 7 });
    expect(expected).toEqual(reference.expected);
    expect(expected).toMatchObject({ surname: 'TESTER', given_name: 'ADA MARIE', passport_number: 'Z9876543' });
    const { format, width, height } = await sharp(readFileSync(out)).metadata();
    expect({ format, width, height }).toEqual({ format: 'png', width: 1250, height: 880 });
  });

  it('makes an image the emulator reads back as that passport', async () => {
    const out = join(dir, 'readable.jpg');
    const run = await fixture('passport', '--surname', 'ROUNDTRIP', '--given-name', 'LINA', '--date-of-birth', '1988-03-14', '--degrade', 'light', '--out', out);
    const expected = JSON.parse(run.stdout);
    const server = await startMockServer({ port: 0, config: { logLevel: 'silent', ocrWorkers: 1 } });
    try {
      const issued = await fetch(`${server.url}/v3/auth/tokens`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(tokenRequestBody()) });
      const response = await fetch(`${server.url}/v2/${PROJECT_ID}/ocr/passport`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-auth-token': issued.headers.get('x-subject-token') ?? '' },
        body: JSON.stringify({ image: readFileSync(out).toString('base64') }),
      });
      const { result } = await response.json();
      expect(result).toMatchObject({
        surname: 'ROUNDTRIP',
        given_name: 'LINA',
        date_of_birth: '1988-03-14',
        passport_number: expected.passport_number,
        date_of_expiry: expected.date_of_expiry,
      });
    } finally {
      await server.close();
    }
  });

  it('degrades and writes the format the file name asks for', async () => {
    const jpg = await fixture('bankcard', '--card-number', '4111111111111111', '--degrade', 'medium', '--out', join(dir, 'card.jpg'));
    expect(JSON.parse(jpg.stdout)).toMatchObject({ type: 'Visa', card_number: '4111 1111 1111 1111' });
    expect((await sharp(readFileSync(join(dir, 'card.jpg'))).metadata()).format).toBe('jpeg');
    await fixture('bankcard', '--degrade', 'heavy', '--out', join(dir, 'card.png'));
    expect((await sharp(readFileSync(join(dir, 'card.png'))).metadata()).format).toBe('png');
  });

  it('knows every registered kind', async () => {
    for (const kind of Object.keys(FIXTURE_KINDS)) {
      const run = await fixture(kind, '--seed', '3', '--out', join(dir, `${kind}.png`));
      expect({ kind, code: run.code, stderr: run.stderr }).toEqual({ kind, code: 0, stderr: '' });
      expect(Object.keys(JSON.parse(run.stdout)).length).toBeGreaterThan(3);
    }
    const side = JSON.parse((await fixture('eid-back', '--out', join(dir, 'back.png'))).stdout).side;
    expect(side).toBe('back');
  });

  it('explains mistakes with exit status 2, refused values with 1', async () => {
    for (const args of [
      ['visa', '--out', 'x.png'],
      ['passport'],
      ['passport', '--out', 'x.gif'],
      ['passport', '--colour', 'red', '--out', 'x.png'],
      ['passport', '--degrade', 'awful', '--out', 'x.png'],
      ['passport', '--seed', '-1', '--out', 'x.png'],
      ['passport', '--surname'],
    ]) {
      const run = await fixture(...args);
      expect({ args, code: run.code }).toEqual({ args, code: 2 });
      expect(run.stderr).toMatch(/^ocr-mock fixture: .+\nusage: ocr-mock fixture/);
    }
    const refused = await fixture('bankcard', '--expiry-date', '13/99', '--out', join(dir, 'bad.png'));
    expect({ code: refused.code, stderr: refused.stderr }).toEqual({ code: 1, stderr: expect.stringMatching(/expiry_date must be MM\/YY/) });
  });

  it("lists a kind's fields with --help", async () => {
    const run = await fixture('passport', '--help');
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/--given-name/);
    expect((await fixture('--help')).stdout).toMatch(/kinds: +passport, eid-front, eid-back, bankcard/);
  });
});
