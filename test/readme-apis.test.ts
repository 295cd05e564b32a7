/**
 * Issue 17: the README documents the three APIs side by side, and that section stays true. Its text is what
 * scripts/api-examples.ts renders from the current route schemas (so a new field or option cannot go undocumented),
 * every example fits its API's result schema, and each example's fields are the fixture's expected result (the JSON
 * beside the image in fixtures/), so the examples show what the server really answers for those images.
 * After a change to a schema or to recognition: `npm run docs:apis`.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Value } from '@sinclair/typebox/value';
import { describe, expect, it } from 'vitest';
import { DOCUMENT_TYPES } from '../src/recognition/registry.js';
import { EXAMPLES, END, examplesInReadme, renderSection, START } from '../scripts/api-examples.js';

const ROOT = new URL('..', import.meta.url).pathname;
const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
const examples = examplesInReadme(readme);

describe("the README's API section", () => {
  it('is what the generator renders from the current schemas (else: npm run docs:apis)', () => {
    const section = readme.slice(readme.indexOf(START), readme.indexOf(END) + END.length);
    expect(section).toBe(renderSection(DOCUMENT_TYPES, examples));
  });

  it('has an example for every API, and both sides of the ID card', () => {
    expect(examples.map((e) => `${e.api} ${e.fixture}`).sort()).toEqual(EXAMPLES.map((e) => `${e.api} ${e.fixture}`).sort());
    expect(new Set(examples.map((e) => e.api))).toEqual(new Set(DOCUMENT_TYPES.map((d) => d.api)));
    const sides = examples.filter((e) => e.api === 'emirates-id-card').map((e) => (e.result as { side: string }).side);
    expect(sides.sort()).toEqual(['back', 'front']);
  });

  it.each(EXAMPLES)("shows for $fixture a result that fits the schema and is the fixture's expected result", ({ api, fixture }) => {
    const example = examples.find((e) => e.api === api && e.fixture === fixture);
    const document = DOCUMENT_TYPES.find((d) => d.api === api);
    expect(example && document).toBeTruthy();
    const result = example?.result as Record<string, unknown> & { confidence: Record<string, number> };
    expect([...Value.Errors(document!.resultSchema, result)].map((e) => `${e.path}: ${e.message}`)).toEqual([]);
    const expected = JSON.parse(readFileSync(join(ROOT, fixture.replace(/\.\w+$/, '.json')), 'utf8')) as Record<string, unknown>;
    const shown = Object.fromEntries(Object.keys(expected).map((key) => [key, result[key]]));
    expect(shown).toEqual(expected);
    for (const [field, confidence] of Object.entries(result.confidence)) {
      expect(field in result, field).toBe(true);
      expect(confidence).toBeGreaterThanOrEqual(0);
      expect(confidence).toBeLessThanOrEqual(1);
    }
  });
});
