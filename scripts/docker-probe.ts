/**
 * The API half of scripts/docker-check.sh, against the image running at <url>:
 *   npx tsx scripts/docker-probe.ts http://127.0.0.1:PORT
 * Gets a token as a client does, with the default identity, then recognises one clean fixture of each document type.
 * It checks only fields every recogniser reads exactly on a clean image (document and card numbers, a passport's
 * surname from its MRZ), so that changes to recognition do not break the image check, and prints what it got when
 * a check fails. Exits 1 if any check fails.
 */
import { readFileSync } from 'node:fs';
import { defaultConfig } from '../src/config.js';

interface Check {
  api: string;
  fixture: string;
  fields: string[];
}

const CHECKS: Check[] = [
  { api: 'passport', fixture: 'passport/p01-clean', fields: ['passport_number', 'surname'] },
  { api: 'emirates-id-card', fixture: 'emirates-id-card/e01-clean', fields: ['id_number'] },
  { api: 'bankcard', fixture: 'bankcard/b01-clean', fields: ['card_number'] },
];

const url = process.argv[2];
if (!url) {
  console.error('usage: tsx scripts/docker-probe.ts <url>');
  process.exit(2);
}
const fixtures = new URL('../fixtures/', import.meta.url);
const say = (text: string) => console.log(`docker-check: ${text}`);

async function token(): Promise<{ token: string; projectId: string }> {
  const [identity] = defaultConfig().identities;
  const project = identity?.projects[0];
  if (!identity || !project) throw new Error('the default config has no identity with a project');
  const response = await fetch(`${url}/v3/auth/tokens`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      auth: {
        identity: {
          methods: ['password'],
          password: { user: { name: identity.user, password: identity.password, domain: { name: identity.domain } } },
        },
        scope: { project: { name: project.name } },
      },
    }),
  });
  const subject = response.headers.get('x-subject-token');
  if (response.status !== 201 || !subject) throw new Error(`POST /v3/auth/tokens: ${response.status} ${await response.text()}`);
  return { token: subject, projectId: project.id };
}

/** The fields of `check` that differ from the fixture's expected JSON, as messages; none when it passes. */
async function recognise(check: Check, auth: { token: string; projectId: string }): Promise<string[]> {
  const image = readFileSync(new URL(`${check.fixture}.png`, fixtures)).toString('base64');
  const expected = JSON.parse(readFileSync(new URL(`${check.fixture}.json`, fixtures), 'utf8')) as Record<string, unknown>;
  const started = Date.now();
  const response = await fetch(`${url}/v2/${auth.projectId}/ocr/${check.api}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-auth-token': auth.token },
    body: JSON.stringify({ image }),
  });
  const body = await response.text();
  const result = response.status === 200 ? ((JSON.parse(body) as { result?: Record<string, unknown> }).result ?? {}) : undefined;
  const problems =
    result === undefined
      ? [`status ${response.status}`]
      : check.fields
          .filter((field) => result[field] !== expected[field])
          .map((field) => `${field}: expected ${JSON.stringify(expected[field])}, got ${JSON.stringify(result[field])}`);
  const what = `${check.api} ${check.fixture}.png`;
  if (problems.length === 0) say(`${what}: ${check.fields.map((f) => `${f} ${JSON.stringify(result?.[f])}`).join(', ')} (${Date.now() - started} ms)`);
  else console.error(`docker-check: ${what}: ${problems.join('; ')}\n  response: ${body}`);
  return problems;
}

try {
  const auth = await token();
  say('POST /v3/auth/tokens: 201 with X-Subject-Token');
  let failed = 0;
  for (const check of CHECKS) if ((await recognise(check, auth)).length > 0) failed++;
  if (failed > 0) process.exit(1);
} catch (error) {
  console.error(`docker-check: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
}
