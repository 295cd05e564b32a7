/** Shared by the AK/SK tests: the sandbox key pair, an MRZ-answering engine, and the vendor signer for inject. */
import { AKSKSigner } from '@huaweicloud/huaweicloud-sdk-core/auth/AKSKSigner.js';
import { BasicCredentials } from '@huaweicloud/huaweicloud-sdk-core/auth/BasicCredentials.js';
import type { OcrLine, OcrResult } from '../../src/ocr/engine.js';
import { FakeEngine } from './engines.js';
import { PROJECT_ID } from './iam.js';
import { samplePng } from './images.js';

export { PROJECT_ID };
export const SANDBOX_AK = 'OCRMOCKACCESSKEY0001';
export const SANDBOX_SK = 'ocrmock-secret-key-0000000000000000000001';

/** The ICAO 9303 specimen MRZ: a made-up person, no real data. */
export const SPECIMEN_MRZ = ['P<GBRSMITH<<JOHN<PETER<<<<<<<<<<<<<<<<<<<<<<', 'L898902C36GBR7408122F1204159<<<<<<<<<<<<<<08'];

/** Any non-blank image: the scripted engine decides what it "reads". */
export const SPECIMEN_IMAGE = async () => (await samplePng(600, 400)).toString('base64');

/** An engine that reads the specimen MRZ from every image it is given. */
export function mrzEngine(): FakeEngine {
  const lines: OcrLine[] = SPECIMEN_MRZ.map((text, i) => ({
    text,
    confidence: 0.95,
    bbox: { x0: 10, y0: 300 + i * 40, x1: 590, y1: 330 + i * 40 },
    words: [],
  }));
  const result: OcrResult = { text: SPECIMEN_MRZ.join('\n'), confidence: 0.95, lines };
  return new FakeEngine(() => result);
}

export interface SignedInjectRequest {
  method: 'POST';
  url: string;
  headers: Record<string, string>;
  payload: string;
}

/**
 * A request signed by the vendor's signer (`AKSKSigner`, as BasicCredentials drives it), ready for `inject`.
 * `payload` defaults to the bytes the SDK sends for `body` (its JSON.stringify); pass other bytes to test that
 * the server hashes what it received, not a re-serialisation.
 */
export async function vendorSignedRequest(options: {
  path: string;
  body: unknown;
  ak?: string;
  sk?: string;
  headers?: Record<string, string>;
  payload?: string;
}): Promise<SignedInjectRequest> {
  const { path, body, ak = SANDBOX_AK, sk = SANDBOX_SK, headers = {} } = options;
  const credentials = new BasicCredentials().withAk(ak).withSk(sk).withProjectId(PROJECT_ID);
  const signed = AKSKSigner.sign(
    {
      endpoint: `http://localhost:80${path}`,
      method: 'POST',
      headers: { 'content-type': 'application/json', 'X-Project-Id': PROJECT_ID, ...headers },
      data: body,
      queryParams: {},
    },
    credentials,
  ) as Record<string, string>;
  return { method: 'POST', url: path, headers: signed, payload: options.payload ?? JSON.stringify(body) };
}
