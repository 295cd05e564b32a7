/** Stubs: a stored answer for an image hash, in place of recognition, by HTTP and by the typed client. */
import { createHash } from 'node:crypto';
import { beforeEach, describe, expect, it } from 'vitest';
import { stub } from '../../src/client/admin-client.js';
import { buildAdminTestApp, PASSPORT_RESULT, type AdminTestApp } from '../helpers/index.js';
import { samplePng } from '../helpers/index.js';

describe('stubs', () => {
  let t: AdminTestApp;
  let png: Buffer;
  let hash: string;
  beforeEach(async () => {
    t = await buildAdminTestApp();
    png = await samplePng();
    hash = createHash('sha256').update(png).digest('hex');
  });

  it('answers the stored result for that image without running OCR', async () => {
    const created = await t.app.inject({ method: 'POST', url: '/_mock/stubs', payload: { api: 'passport', imageSha256: hash, result: PASSPORT_RESULT } });
    expect(created.statusCode).toBe(201);
    expect(created.json()).toEqual({ id: expect.any(String), hits: 0, api: 'passport', imageSha256: hash, result: PASSPORT_RESULT });

    const answer = await t.ocr({ image: png });
    expect({ status: answer.statusCode, body: answer.json() }).toEqual({ status: 200, body: { result: PASSPORT_RESULT } });
    expect(t.engine.requests).toHaveLength(0);
    expect((await t.admin.journal({ api: 'passport' }))[0]).toMatchObject({ status: 200, imageSha256: hash, forcedBy: created.json().id });
    expect((await t.admin.stubs())[0]?.hits).toBe(1);

    // Another image still goes to recognition.
    await t.ocr({ image: await samplePng(300, 120) });
    expect(t.engine.requests.length).toBeGreaterThan(0);
  });

  it('takes the image as base64 and hashes it as the OCR route will', async () => {
    const created = await t.app.inject({ method: 'POST', url: '/_mock/stubs', payload: { api: 'passport', image: png.toString('base64'), result: PASSPORT_RESULT } });
    expect(created.json().imageSha256).toBe(hash);
    const bad = await t.app.inject({ method: 'POST', url: '/_mock/stubs', payload: { api: 'passport', image: 'data:image/png;base64,AAAA', result: PASSPORT_RESULT } });
    expect(bad.json()).toEqual({ error: 'bad-request', message: 'image is not base64 the OCR routes accept (AIS.0102)' });
  });

  it('refuses a result that does not fit the API, an unknown API, or neither/both of image and hash', async () => {
    const { surname: _omitted, ...incomplete } = PASSPORT_RESULT;
    const cases = [
      { api: 'passport', imageSha256: hash, result: incomplete },
      { api: 'passport', imageSha256: hash, result: { ...PASSPORT_RESULT, confidence: { surname: 2 } } },
      { api: 'visa', imageSha256: hash, result: PASSPORT_RESULT },
      { api: 'passport', result: PASSPORT_RESULT },
      { api: 'passport', imageSha256: hash, image: png.toString('base64'), result: PASSPORT_RESULT },
      { api: 'passport', imageSha256: 'abc', result: PASSPORT_RESULT },
    ];
    for (const payload of cases) {
      const response = await t.app.inject({ method: 'POST', url: '/_mock/stubs', payload });
      expect({ status: response.statusCode, error: response.json().error }).toEqual({ status: 400, error: 'bad-request' });
    }
    expect((await t.app.inject({ method: 'POST', url: '/_mock/stubs', payload: cases[0] })).json().message).toMatch(/surname/);
  });

  it('is driven by the typed client: bytes, use(), remove, clear', async () => {
    const added = await t.admin.addStub({ api: 'passport', image: png, result: PASSPORT_RESULT });
    expect(added.imageSha256).toBe(hash);
    expect((await t.ocr({ image: png })).json().result.surname).toBe('STUB');
    await t.admin.removeStub(added.id);
    expect(await t.admin.stubs()).toEqual([]);

    await t.admin.use(stub({ api: 'passport', image: png.toString('base64'), result: { ...PASSPORT_RESULT, surname: 'NEWER' } }));
    expect((await t.ocr({ image: png })).json().result.surname).toBe('NEWER');
    expect(await t.admin.clearStubs()).toBe(1);
    expect(t.engine.requests).toHaveLength(0);
  });

  it('an image fault wins over a stub for the same image', async () => {
    await t.admin.addStub({ api: 'passport', image: png, result: PASSPORT_RESULT });
    await t.admin.addFault({ match: { imageSha256: hash }, error: 'ModelArts.4505', times: 1 });
    expect((await t.ocr({ image: png })).json().error_code).toBe('ModelArts.4505');
    expect((await t.ocr({ image: png })).statusCode).toBe(200);
  });
});
