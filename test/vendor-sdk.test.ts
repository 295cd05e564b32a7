/**
 * Issue 17, the vendor's SDK: the server driven through `@huaweicloud/huaweicloud-sdk-core`'s own request path
 * (ClientBuilder → HcClient.sendRequest → BasicCredentials' AK/SK signing → its axios client), not only its signer,
 * exactly as the README's "Using the vendor SDKs" shows: endpoint override with AK/SK, X-Mock-* headers through
 * `withOptions({ axiosRequestConfig: { headers } })`, and the SDK's own exceptions for vendor errors.
 * The core 3.1.211 requires `uuid` without declaring it: it is a dev dependency here for that reason.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BasicCredentials } from '@huaweicloud/huaweicloud-sdk-core';
import { ClientBuilder } from '@huaweicloud/huaweicloud-sdk-core/ClientBuilder.js';
import type { HcClient, HttpRequestOptions } from '@huaweicloud/huaweicloud-sdk-core/HcClient.js';
import { Logger4jInstance } from '@huaweicloud/huaweicloud-sdk-core/logger/log4jLogger.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startMockServer, type MockServer } from '../src/server.js';
import { mrzEngine, PROJECT_ID, SANDBOX_AK, SANDBOX_SK, SPECIMEN_IMAGE } from './helpers/aksk.js';

/** What the generated `OcrClient.recognizePassport` sends, for an API the Node OCR SDK (not on npm) would have. */
function ocrRequest(api: string, body: Record<string, unknown>): HttpRequestOptions {
  return { method: 'POST', url: `/v2/{project_id}/ocr/${api}`, contentType: 'application/json', headers: {}, pathParams: {}, queryParams: {}, data: body };
}

describe('the server through the vendor SDK core', () => {
  let server: MockServer;
  let home: string;
  const previousHome = process.env.HOME;

  beforeAll(async () => {
    // The SDK logs every error answer to stdout at ERROR, call stack and all; these tests provoke several on purpose.
    Logger4jInstance.level = 'off';
    // The SDK writes an application id under the home directory when a client is built; keep it out of the real one.
    home = mkdtempSync(join(tmpdir(), 'ocr-mock-sdk-home-'));
    process.env.HOME = home;
    server = await startMockServer({ port: 0, engine: mrzEngine(), config: { warmup: false } });
  });
  afterAll(async () => {
    await server.close();
    process.env.HOME = previousHome;
    rmSync(home, { recursive: true, force: true });
  });

  function client(options: { sk?: string; headers?: Record<string, string> } = {}): HcClient {
    const credentials = new BasicCredentials()
      .withAk(SANDBOX_AK)
      .withSk(options.sk ?? SANDBOX_SK)
      .withProjectId(PROJECT_ID);
    const builder = new ClientBuilder((hcClient: HcClient) => hcClient).withCredential(credentials).withEndpoint(server.url);
    return (options.headers ? builder.withOptions({ axiosRequestConfig: { headers: options.headers } }) : builder).build();
  }

  it('recognises a passport signed with AK/SK, the endpoint pointed at the mock', async () => {
    const response = await client().sendRequest<{ result: Record<string, unknown>; httpStatusCode: number }>(ocrRequest('passport', { image: await SPECIMEN_IMAGE() }));
    expect(response.httpStatusCode).toBe(200);
    expect(response.result).toMatchObject({ passport_number: 'L898902C3', surname: 'SMITH', given_name: 'JOHN PETER', country_code: 'GBR' });
  });

  it('reaches the Emirates ID and bank card APIs, which no vendor SDK has a method for, by path', async () => {
    for (const api of ['emirates-id-card', 'bankcard']) {
      // The scripted engine reads an MRZ, not a card: the answer is the vendor's recognition error, through the SDK.
      const error = await client()
        .sendRequest(ocrRequest(api, { image: await SPECIMEN_IMAGE() }))
        .then(
          () => undefined,
          (e: unknown) => e,
        );
      expect(error, api).toMatchObject({ httpStatusCode: 400, errorCode: expect.stringMatching(/^AIS\.010[45]$/) });
    }
  });

  it('sends X-Mock-* headers set with withOptions({ axiosRequestConfig: { headers } }), and the signature still verifies', async () => {
    const ocr = server.namespace('sdk-flow');
    const forced = client({ headers: { ...ocr.headers, 'X-Mock-Scenario': 'error=ModelArts.4503' } });
    const error = await forced.sendRequest(ocrRequest('passport', { image: await SPECIMEN_IMAGE() })).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toMatchObject({ httpStatusCode: 502, errorCode: 'ModelArts.4503', errorMsg: 'Backend service found error.' });
    expect((await ocr.journal()).map((e) => [e.authMethod, e.status, e.forcedBy])).toEqual([['aksk', 502, 'scenario']]);
  });

  it('turns a refused signature into the SDK exception with the gateway code', async () => {
    const error = await client({ sk: 'not-the-secret-key' })
      .sendRequest(ocrRequest('passport', { image: await SPECIMEN_IMAGE() }))
      .then(
        () => undefined,
        (e: unknown) => e,
      );
    expect(error).toMatchObject({
      httpStatusCode: 401,
      errorCode: 'APIG.0301',
      errorMsg: 'Incorrect IAM authentication information: verify aksk signature fail',
    });
  });
});
