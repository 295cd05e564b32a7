/**
 * POST /v2/{project_id}/ocr/emirates-id-card driven through `inject` with the real tesseract.js engine (one English
 * and one Arabic worker), as this folder's tests send cards: an app and a token made once per file.
 */
import { beforeAll, expect } from 'vitest';
import { buildTestApp, getToken, PROJECT_ID, realEngine, type TestApp } from '../../helpers/index.js';

const EID_PATH = `/v2/${PROJECT_ID}/ocr/emirates-id-card`;

export type EidResult = Record<string, string> & { confidence: Record<string, number> };

/** Call in a `describe`: its `send` answers as the server does, its `recognise` expects 200 and gives the result. */
export function emiratesIdApi() {
  let t: TestApp;
  let token: string;
  const engine = realEngine({ workers: 1, arabicWorkers: 1, timeoutMs: 60_000 });
  beforeAll(async () => {
    t = await buildTestApp({ engine });
    token = await getToken(t.app);
  });

  const send = (image: Buffer, side?: string) =>
    t.app.inject({
      method: 'POST',
      url: EID_PATH,
      headers: { 'x-auth-token': token },
      payload: { image: image.toString('base64'), ...(side !== undefined ? { side } : {}) },
    });

  async function recognise(image: Buffer, side?: string): Promise<EidResult> {
    const response = await send(image, side);
    expect(response.statusCode, response.body).toBe(200);
    return response.json().result as EidResult;
  }

  return { send, recognise };
}
