import { deflateSync } from 'node:zlib';
import { beforeEach, describe, expect, it } from 'vitest';
import { buildTestApp, blankPng, getToken, PASSPORT_PATH, samplePng, type TestApp } from '../helpers/index.js';

/** A PNG signature and IHDR chunk declaring any size: enough for the header check, nothing to decode. */
function pngHeader(width: number, height: number): Buffer {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr.set([8, 2, 0, 0, 0], 8);
  const chunk = Buffer.concat([Buffer.from([0, 0, 0, 13]), Buffer.from('IHDR'), ihdr, Buffer.alloc(4)]);
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk, deflateSync(Buffer.alloc(8))]);
}

describe('image intake on OCR routes', () => {
  let t: TestApp;
  let token: string;
  beforeEach(async () => {
    t = await buildTestApp();
    token = await getToken(t.app);
  });

  async function send(payload: unknown, headers: Record<string, string> = {}) {
    const isString = typeof payload === 'string';
    return t.app.inject({
      method: 'POST',
      url: PASSPORT_PATH,
      headers: { 'x-auth-token': token, 'content-type': 'application/json', ...headers },
      payload: isString ? payload : JSON.stringify(payload),
    });
  }

  async function expectError(payload: unknown, code: string, status = 400, headers: Record<string, string> = {}) {
    const response = await send(payload, headers);
    expect({ status: response.statusCode, code: response.json().error_code }).toEqual({ status, code });
    expect(typeof response.json().error_msg).toBe('string');
    return response;
  }

  const b64 = (bytes: Buffer) => bytes.toString('base64');

  it('AIS.0101 unless exactly one of image and url is set', async () => {
    await expectError({}, 'AIS.0101');
    await expectError({ image: b64(await samplePng()), url: 'http://127.0.0.1/x.png' }, 'AIS.0101');
  });

  it('AIS.0101 for wrong types and an empty image', async () => {
    await expectError({ image: 42 }, 'AIS.0101');
    await expectError({ image: ['a'] }, 'AIS.0101');
    await expectError({ image: '' }, 'AIS.0101');
  });

  it('AIS.0102 for a data: URI prefix, broken base64 and unsupported formats', async () => {
    await expectError({ image: `data:image/png;base64,${b64(await samplePng())}` }, 'AIS.0102');
    await expectError({ image: 'not base64 at all!' }, 'AIS.0102');
    await expectError({ image: 'abc' }, 'AIS.0102');
    await expectError({ image: b64(Buffer.from('GIF89a\x01\x00\x01\x00\x00\x00\x00;', 'latin1')) }, 'AIS.0102');
    await expectError({ image: b64(Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"/>')) }, 'AIS.0102');
  });

  it('AIS.0103 for more than 10 MB, a side under 15 px or over 4096 px', async () => {
    // The base64 of a 10 MB image is over the 10 MB token body limit: only larger configured limits (or a url) reach
    // the image check.
    await t.app.close();
    t = await buildTestApp({ config: { bodyLimitBytes: 14 * 1024 * 1024, tokenBodyLimitBytes: 14 * 1024 * 1024 } });
    token = await getToken(t.app);
    const big = Buffer.concat([await samplePng(), Buffer.alloc(10 * 1024 * 1024)]);
    await expectError({ image: b64(big) }, 'AIS.0103');
    await expectError({ image: b64(await samplePng(14, 100)) }, 'AIS.0103');
    await expectError({ image: b64(pngHeader(4097, 100)) }, 'AIS.0103');
    await expectError({ image: b64(pngHeader(100000, 100000)) }, 'AIS.0103');
  });

  it('AIS.0104 for an undecodable or blank image', async () => {
    await expectError({ image: b64(pngHeader(200, 200)) }, 'AIS.0104');
    await expectError({ image: b64((await samplePng()).subarray(0, 60)) }, 'AIS.0104');
    await expectError({ image: b64(await blankPng()) }, 'AIS.0104');
  });

  it('AIS.0104 when no MRZ can be read', async () => {
    await expectError({ image: b64(await samplePng(400, 300)) }, 'AIS.0104');
  });

  it('ModelArts.4105 for invalid JSON, an empty body and a non-JSON content type', async () => {
    await expectError('{"image": ', 'ModelArts.4105');
    await expectError('', 'ModelArts.4105');
    await expectError('image=abc', 'ModelArts.4105', 400, { 'content-type': 'application/x-www-form-urlencoded' });
  });

  it('ModelArts.4104 for a body over the configured limit', async () => {
    await t.app.close();
    t = await buildTestApp({ config: { tokenBodyLimitBytes: 4096 } });
    token = await getToken(t.app);
    await expectError({ image: 'A'.repeat(8192) }, 'ModelArts.4104', 413);
  });

  it('APIG.0101 for unknown paths and wrong methods', async () => {
    for (const [method, url] of [
      ['POST', '/v2/p/ocr/driver-license-unknown'],
      ['GET', PASSPORT_PATH],
      ['DELETE', '/v3/auth/tokens'],
      ['GET', '/index.html'],
    ] as const) {
      const response = await t.app.inject({ method, url });
      expect(response.statusCode).toBe(404);
      expect(response.json()).toEqual({
        error_code: 'APIG.0101',
        error_msg: 'The API does not exist or has not been published in the environment.',
        request_id: response.headers['x-request-id'],
      });
    }
  });

  it('sets X-Request-Id on every response', async () => {
    const response = await send({});
    expect(response.headers['x-request-id']).toMatch(/^[0-9a-f]{32}$/);
  });
});
