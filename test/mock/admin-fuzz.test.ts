/** Whatever an admin call carries: an admin error (4xx, `{error, message}`) or success, never a 5xx. */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildAdminTestApp, PASSPORT_RESULT, type AdminTestApp } from '../helpers/index.js';

const key = fc.constantFrom(
  'api',
  'image',
  'imageSha256',
  'result',
  'error',
  'delayMs',
  'jitterMs',
  'drop',
  'times',
  'probability',
  'match',
  'project',
  'rateLimitPerMinute',
  'maxConcurrentPerProject',
  'subscriptions',
  'identities',
  'accessKeys',
  '__proto__',
  'constructor',
);
const leaf = fc.oneof(
  fc.string({ maxLength: 20 }),
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.constant(null),
  fc.constantFrom('passport', 'AIS.0101', 'ab'.repeat(32), PASSPORT_RESULT),
);
const value = fc.oneof(leaf, fc.array(leaf, { maxLength: 3 }), fc.dictionary(key, leaf, { maxKeys: 4 }));
const body = fc.oneof(fc.dictionary(key, value, { maxKeys: 6 }), value);

describe('admin inputs, fuzzed', () => {
  let t: AdminTestApp;
  beforeAll(async () => {
    t = await buildAdminTestApp();
  });
  afterAll(() => t.app.close());

  it('never answers 5xx to any body on any admin route', async () => {
    const route = fc.constantFrom(['POST', '/_mock/faults'], ['POST', '/_mock/stubs'], ['PATCH', '/_mock/config'], ['POST', '/_mock/faults?namespace=f'], [
      'PATCH',
      '/_mock/config?namespace=f',
    ] as const);
    await fc.assert(
      fc.asyncProperty(route, body, async ([method, url], payload) => {
        const response = await t.app.inject({ method: method as 'POST', url, headers: { 'content-type': 'application/json' }, payload: JSON.stringify(payload) });
        expect(response.statusCode).toBeLessThan(500);
        if (response.statusCode >= 400) expect(Object.keys(response.json()).sort()).toEqual(['error', 'message']);
        await t.admin.reset();
      }),
      { numRuns: 300 },
    );
  });

  it('never answers 5xx to any query on the journal', async () => {
    const query = fc.dictionary(fc.constantFrom('namespace', 'status', 'limit', 'api', 'method', 'imageSha256', 'authMethod', 'x'), fc.string({ maxLength: 12 }), { maxKeys: 4 });
    await fc.assert(
      fc.asyncProperty(query, async (params) => {
        const response = await t.app.inject({ url: `/_mock/journal?${new URLSearchParams(params)}` });
        expect(response.statusCode).toBeLessThan(500);
      }),
      { numRuns: 200 },
    );
  });
});
