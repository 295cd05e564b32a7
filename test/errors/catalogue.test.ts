import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ApiError, ERROR_CATALOGUE, toEnvelope } from '../../src/errors/catalogue.js';

/** The README's error table, parsed: code → { status, message }. */
function readmeErrorTable(): Record<string, { status: number; message: string }> {
  const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
  const section = readme.split('<!-- error-table:start -->')[1]?.split('<!-- error-table:end -->')[0] ?? '';
  const rows: Record<string, { status: number; message: string }> = {};
  for (const line of section.split('\n')) {
    const cells = line.split('|').map((c) => c.trim());
    const [, code, status, message] = cells;
    if (!code || !/^`/.test(code)) continue;
    rows[code.replace(/`/g, '')] = { status: Number(status), message: (message ?? '').replace(/^`|`$/g, '') };
  }
  return rows;
}

describe('the error catalogue', () => {
  it('equals the README table, row for row', () => {
    const catalogue = Object.fromEntries(Object.entries(ERROR_CATALOGUE).map(([code, row]) => [code, { ...row }]));
    expect(readmeErrorTable()).toEqual(catalogue);
  });

  it('fills placeholders', () => {
    expect(ApiError.iam('x-auth-token not found').message).toBe('Incorrect IAM authentication information: x-auth-token not found');
    expect(ApiError.of('ModelArts.4204', { api: 'passport' }).message).toBe('Request api error! The API passport is not subscribed.');
    expect(ApiError.of('APIG.0308', { limit: 60 }).message).toBe('The throttling threshold has been reached: policy user over ratelimit,limit:60,time:1 minute');
  });

  it('words the gateway rows exactly as the vendor does', () => {
    // The vendor's OCR FAQ "How Do I Handle the Error APIG.0308?" (ocr_faq/ocr_01_0041) and ../shared/API.md, verbatim:
    // no space after the comma, `limit:XX` for the per-minute limit, `time:1 minute`.
    expect(ERROR_CATALOGUE['APIG.0308']).toEqual({
      status: 429,
      message: 'The throttling threshold has been reached: policy user over ratelimit,limit:XX,time:1 minute',
    });
    // The OCR FAQ "How Do I Handle the Error APIG.0301?" (ocr_faq/ocr_01_0063): the reasons of a token refusal.
    expect(ApiError.iam('x-auth-token not found').message).toBe('Incorrect IAM authentication information: x-auth-token not found');
    expect(ApiError.iam('decrypt token fail').message).toBe('Incorrect IAM authentication information: decrypt token fail');
  });

  it('puts request_id only in gateway envelopes', () => {
    expect(toEnvelope(ApiError.of('AIS.0104'), 'r1')).toEqual({
      error_code: 'AIS.0104',
      error_msg: 'The image is not supported or the image quality is poor.',
    });
    expect(toEnvelope(ApiError.of('APIG.0101'), 'r1')).toMatchObject({ error_code: 'APIG.0101', request_id: 'r1' });
  });
});
