/** Black-box: the built CLI, started as a user would, on a free port. */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROJECT_ID, tokenRequestBody } from './helpers/index.js';
import { spawnCli } from './helpers/cli.js';

const CLI = new URL('../dist/cli.js', import.meta.url).pathname;

const startCli = () => spawnCli({ script: CLI });

describe('the ocr-mock CLI', () => {
  let cli: Awaited<ReturnType<typeof startCli>>;
  beforeAll(async () => {
    cli = await startCli();
  });
  afterAll(() => {
    if (cli.child.exitCode === null) cli.child.kill('SIGKILL');
  });

  it('is healthy once ready, issues tokens and recognises a passport', async () => {
    expect((await fetch(`${cli.url}/health`)).status).toBe(200);
    const tokenResponse = await fetch(`${cli.url}/v3/auth/tokens`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(tokenRequestBody()),
    });
    expect(tokenResponse.status).toBe(201);
    const token = tokenResponse.headers.get('x-subject-token') ?? '';
    const fixture = new URL('../fixtures/passport/p01-clean.png', import.meta.url);
    const expected = JSON.parse(readFileSync(new URL('../fixtures/passport/p01-clean.json', import.meta.url), 'utf8'));
    const response = await fetch(`${cli.url}/v2/${PROJECT_ID}/ocr/passport`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-auth-token': token },
      body: JSON.stringify({ image: readFileSync(fixture).toString('base64') }),
    });
    expect(response.status).toBe(200);
    const { result } = await response.json();
    expect(result).toMatchObject({
      passport_number: expected.passport_number,
      surname: expected.surname,
      given_name: expected.given_name,
      date_of_birth: expected.date_of_birth,
    });
  });

  it('never logs the token', () => {
    expect(cli.output()).not.toMatch(/MII[A-Za-z0-9+/]{20,}/);
  });

  it('exits 0 on SIGTERM', async () => {
    cli.child.kill('SIGTERM');
    expect(await cli.exited).toBe(0);
  });
});
