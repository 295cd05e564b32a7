import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { IAM_ERROR_CATALOGUE, IAM_TITLES, iamError } from '../../src/errors/iam-catalogue.js';

/** The README's IAM error table, parsed: one { status, title, message } per row, in order. */
function readmeIamTable(): { status: number; title: string; message: string }[] {
  const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
  const section = readme.split('<!-- iam-error-table:start -->')[1]?.split('<!-- iam-error-table:end -->')[0] ?? '';
  return section
    .split('\n')
    .map((line) => line.split('|').map((cell) => cell.trim()))
    .filter(([, status]) => /^\d{3}$/.test(status ?? ''))
    .map(([, status, title, message]) => ({ status: Number(status), title: title ?? '', message: (message ?? '').replace(/^`|`$/g, '') }));
}

describe('the IAM error catalogue', () => {
  it('equals the README table, row for row', () => {
    const rows = Object.values(IAM_ERROR_CATALOGUE).map(({ status, message }) => ({ status, title: IAM_TITLES[status], message }));
    expect(readmeIamTable()).toEqual(rows);
  });

  it("answers in Keystone's shape, its code the HTTP status", () => {
    expect(iamError('body-too-large')).toEqual({
      status: 413,
      body: { error: { code: 413, message: 'The request body is too large.', title: 'Request Entity Too Large' } },
    });
    for (const kind of Object.keys(IAM_ERROR_CATALOGUE) as (keyof typeof IAM_ERROR_CATALOGUE)[]) {
      const { status, body } = iamError(kind);
      expect(body.error.code).toBe(status);
    }
  });
});
