/**
 * `npm run bench:accuracy`: runs every committed fixture through the recognition core with the real engine and
 * prints exact-match rates per field and per degradation level. Optional filter: a document folder name.
 */
import { readFileSync, existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { checkImage } from '../src/image/intake.js';
import { PreparedImage } from '../src/image/prepare.js';
import { TesseractEngine } from '../src/ocr/tesseract-engine.js';
import { DOCUMENT_TYPES } from '../src/recognition/registry.js';

interface FixtureEntry {
  file: string;
  expected: string;
  level: string;
  /** Request fields beyond the image, e.g. `{ "side": "front" }`. */
  request?: Record<string, unknown>;
}

const FIXTURE_ROOT = new URL('../fixtures/', import.meta.url);
/** Fixture folder → the API whose recogniser reads it. */
const FOLDERS: Record<string, string> = { passport: 'passport', 'emirates-id-card': 'emirates-id-card', bankcard: 'bankcard' };

const only = process.argv[2];
const engine = new TesseractEngine({ workers: Math.min(2, availableParallelism()), timeoutMs: 60_000 });
await engine.warm();
const now = Date.UTC(2026, 10, 25);

for (const [folder, api] of Object.entries(FOLDERS)) {
  if (only && only !== folder) continue;
  const indexUrl = new URL(`${folder}/index.json`, FIXTURE_ROOT);
  const document = DOCUMENT_TYPES.find((d) => d.api === api);
  if (!existsSync(indexUrl) || !document) continue;
  const index = JSON.parse(readFileSync(indexUrl, 'utf8')) as FixtureEntry[] | { entries: FixtureEntry[] };
  const entries = Array.isArray(index) ? index : index.entries;
  // field → level → [right, total]
  const tally = new Map<string, Map<string, [number, number]>>();
  const levels = new Set<string>();
  const wholeDocument = new Map<string, [number, number]>();
  let failures = 0;
  const started = Date.now();
  await Promise.all(
    entries.map(async (entry) => {
      const expected = JSON.parse(readFileSync(new URL(`${folder}/${entry.expected}`, FIXTURE_ROOT), 'utf8')) as Record<string, unknown>;
      let result: Record<string, unknown> = {};
      try {
        const bytes = readFileSync(new URL(`${folder}/${entry.file}`, FIXTURE_ROOT));
        const image = await PreparedImage.from(checkImage(bytes, document.limits));
        result = (await document.recognize({ image, engine, now, options: entry.request ?? {} })) as Record<string, unknown>;
      } catch (error) {
        failures++;
        console.error(`${entry.file}: ${(error as Error).message}`);
      }
      levels.add(entry.level);
      let allRight = true;
      for (const [field, value] of Object.entries(expected)) {
        if (field === 'confidence' || field === 'extra_info' || typeof value !== 'string') continue;
        const byLevel = tally.get(field) ?? new Map<string, [number, number]>();
        const counts = byLevel.get(entry.level) ?? [0, 0];
        const right = result[field] === value;
        if (!right) {
          allRight = false;
          if (process.env.VERBOSE) console.error(`${entry.file} ${field}: expected ${JSON.stringify(value)} got ${JSON.stringify(result[field])}`);
        }
        byLevel.set(entry.level, [counts[0] + (right ? 1 : 0), counts[1] + 1]);
        tally.set(field, byLevel);
      }
      const whole = wholeDocument.get(entry.level) ?? [0, 0];
      wholeDocument.set(entry.level, [whole[0] + (allRight ? 1 : 0), whole[1] + 1]);
    }),
  );
  const order = ['clean', 'light', 'medium', 'heavy'].filter((l) => levels.has(l));
  const pct = ([right, total]: [number, number]) => (total ? `${((100 * right) / total).toFixed(1)}%` : '-');
  console.log(`\n## ${folder}: ${entries.length} images, ${failures} refused, ${((Date.now() - started) / 1000).toFixed(1)} s`);
  console.log(`| field | ${order.join(' | ')} |`);
  console.log(`|---|${order.map(() => '---').join('|')}|`);
  const totals = new Map<string, [number, number]>();
  for (const [field, byLevel] of tally) {
    console.log(`| ${field} | ${order.map((l) => pct(byLevel.get(l) ?? [0, 0])).join(' | ')} |`);
    for (const [level, [r, t]] of byLevel) {
      const sum = totals.get(level) ?? [0, 0];
      totals.set(level, [sum[0] + r, sum[1] + t]);
    }
  }
  console.log(`| **all fields** | ${order.map((l) => pct(totals.get(l) ?? [0, 0])).join(' | ')} |`);
  console.log(`| **whole document right** | ${order.map((l) => pct(wholeDocument.get(l) ?? [0, 0])).join(' | ')} |`);
}
await engine.close();
