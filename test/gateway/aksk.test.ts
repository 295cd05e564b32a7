/**
 * The "done when": the vendor's own SDK (`@huaweicloud/huaweicloud-sdk-core`: ClientBuilder, HcClient,
 * BasicCredentials, its AK/SK signer and its axios client) calls a listening ocr-mock over real HTTP, exactly as the
 * generated OCR client does, and gets a recognition result; a wrong SK gets APIG.0301; five failures lock the AK.
 * The OCR engine is scripted, so no tesseract starts; the lock runs on the injected clock.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { BasicCredentials } from '@huaweicloud/huaweicloud-sdk-core/auth/BasicCredentials.js';
import { HcClient } from '@huaweicloud/huaweicloud-sdk-core/HcClient.js';
import { DefaultHttpClient } from '@huaweicloud/huaweicloud-sdk-core/http/DefaultHttpClient.js';
import { ManualClock } from '../../src/clock.js';
import { startMockServer, type MockServer } from '../../src/server.js';
import { mrzEngine, PROJECT_ID, SANDBOX_AK, SANDBOX_SK, SPECIMEN_IMAGE } from '../helpers/aksk.js';

// The SDK's client logs every refused request with its full body otherwise.
const SILENT = { debug() {}, info() {}, warn() {}, error() {}, setLevel() {}, getLevel: () => 'OFF', setName() {} } as never;

/**
 * What `ClientBuilder.build()` assembles, minus its User-Agent helper: that one needs `uuid`, which the SDK does
 * not declare as a dependency, and writes an application id into the home directory.
 */
function sdkClient(server: MockServer, sk = SANDBOX_SK, ak = SANDBOX_AK): HcClient {
  const credentials = new BasicCredentials().withAk(ak).withSk(sk).withProjectId(PROJECT_ID);
  const http = new DefaultHttpClient({ disableSslVerification: true, headers: { 'User-Agent': 'ocr-mock-test' }, logger: SILENT }, [server.url]);
  return new HcClient(http).withCredential(credentials).withEndpoints([server.url]);
}

/** What the generated OcrClient.recognizePassport sends through HcClient. */
async function recognizePassport(client: HcClient, image: string): Promise<{ status: number; body: Record<string, unknown> }> {
  try {
    const response = await client.sendRequest({
      method: 'POST',
      url: '/v2/{project_id}/ocr/passport',
      contentType: 'application/json;charset=UTF-8',
      queryParams: {},
      pathParams: {},
      headers: {},
      data: { image },
    });
    const { httpStatusCode, ...body } = response as Record<string, unknown>;
    return { status: Number(httpStatusCode), body };
  } catch (error) {
    // The SDK turns the vendor envelope into its exception: proof the envelope is what it expects.
    const { httpStatusCode, errorCode, errorMsg, requestId } = error as Record<string, unknown>;
    return { status: Number(httpStatusCode), body: { error_code: errorCode, error_msg: errorMsg, request_id: requestId } };
  }
}

describe('AK/SK with the vendor SDK against a listening server', () => {
  let server: MockServer;
  let clock: ManualClock;
  let image: string;

  beforeEach(async () => {
    // The SDK stamps X-Sdk-Date from the real clock; the server's injected clock starts there and is moved by hand.
    clock = new ManualClock(Date.now());
    server = await startMockServer({ port: 0, host: '127.0.0.1', engine: mrzEngine(), clock, config: { logLevel: 'silent', warmup: false } });
    image = await SPECIMEN_IMAGE();
  });
  afterEach(() => server.close());

  it('accepts a request the SDK signed and answers with the recognition result', async () => {
    const { status, body } = await recognizePassport(sdkClient(server), image);
    expect(status).toBe(200);
    expect(body.result).toMatchObject({ passport_number: 'L898902C3', country_code: 'GBR', surname: 'SMITH', date_of_birth: '1974-08-12' });
  });

  it('refuses a wrong SK with APIG.0301, locks the AK after five failures for five minutes', async () => {
    const wrong = sdkClient(server, 'not-the-secret-key');
    for (let attempt = 1; attempt <= 5; attempt += 1) {
      const { status, body } = await recognizePassport(wrong, image);
      expect({ attempt, status, body }).toEqual({
        attempt,
        status: 401,
        body: {
          error_code: 'APIG.0301',
          error_msg: 'Incorrect IAM authentication information: verify aksk signature fail',
          request_id: expect.stringMatching(/^[0-9a-f]{32}$/),
        },
      });
    }

    // Locked: even the right SK is refused.
    const locked = await recognizePassport(sdkClient(server), image);
    expect(locked.status).toBe(401);
    expect(locked.body.error_msg).toBe('Incorrect IAM authentication information: AK access failed to reach the limit,forbidden');

    clock.advance(5 * 60_000 - 1);
    expect((await recognizePassport(sdkClient(server), image)).body.error_msg).toMatch(/reach the limit,forbidden/);
    clock.advance(1);
    expect((await recognizePassport(sdkClient(server), image)).status).toBe(200);
  });

  it('refuses an unknown AK with "Get secretKey failed"', async () => {
    const { status, body } = await recognizePassport(sdkClient(server, SANDBOX_SK, 'NOSUCHACCESSKEY00000'), image);
    expect(status).toBe(401);
    expect(body.error_msg).toBe('Incorrect IAM authentication information: Get secretKey failed');
  });
});
