/**
 * A quick accuracy probe for the Emirates ID recogniser over generated cards of every design:
 * `npx tsx scripts/probe-eid.ts [--side front|back] [--set own|held|all] [--levels clean,medium,heavy,photo] [--n 3] [--orientation 0] [--design id] [--verbose]`.
 *
 * Prints, per side × set (own designs / held back) × level: fields right, documents fully right, refusals, and
 * fields returned at confidence ≥ 0.9 that are wrong. Images are generated here (src/fixtures/capture.ts for the
 * levels and `--orientation 90|180|270`), never committed.
 */
import { parseArgs } from 'node:util';
import { capture, type Orientation } from '../src/fixtures/capture.js';
import { emiratesIdBenchSet, type EmiratesIdBenchCase } from '../src/fixtures/emirates-id.js';
import { checkImage } from '../src/image/intake.js';
import { PreparedImage } from '../src/image/prepare.js';
import { TesseractEngine } from '../src/ocr/tesseract-engine.js';
import { emiratesIdCard } from '../src/recognition/emirates-id-card/index.js';

const { values: args } = parseArgs({
  options: {
    side: { type: 'string' },
    set: { type: 'string', default: 'all' },
    levels: { type: 'string', default: 'clean,medium,heavy,photo' },
    n: { type: 'string', default: '3' },
    design: { type: 'string' },
    'give-side': { type: 'boolean', default: false },
    verbose: { type: 'boolean', default: false },
    orientation: { type: 'string', default: '0' },
  },
});

type Level = 'clean' | 'medium' | 'heavy' | 'photo';

async function imageAt(image: Buffer, level: Level, seed: number): Promise<Buffer> {
  return capture(image, level, { seed, orientation: Number(args.orientation) as Orientation });
}

const side = args.side as 'front' | 'back' | undefined;
const sets = args.set === 'own' ? [false] : args.set === 'held' ? [true] : [false, true];
const levels = (args.levels ?? '').split(',').filter(Boolean) as Level[];
const perDesign = Number(args.n);
const engine = new TesseractEngine({ workers: 1, arabicWorkers: 1, timeoutMs: 120_000 });
await engine.warm();
const now = Date.UTC(2026, 10, 25);

interface Tally {
  fields: number;
  fieldsRight: number;
  docs: number;
  docsRight: number;
  refused: number;
  sure: number;
  sureWrong: number;
  ms: number[];
}
const tallies = new Map<string, Tally>();
const tallyOf = (key: string) => {
  let t = tallies.get(key);
  if (!t) {
    t = { fields: 0, fieldsRight: 0, docs: 0, docsRight: 0, refused: 0, sure: 0, sureWrong: 0, ms: [] };
    tallies.set(key, t);
  }
  return t;
};

const cases: EmiratesIdBenchCase[] = sets.flatMap((heldBack) =>
  emiratesIdBenchSet({ heldBack, perDesign, ...(side ? { side } : {}) }).filter((c) => !args.design || c.design === args.design),
);
for (const c of cases) {
  const fixture = await c.render();
  for (const level of levels) {
    const bytes = await imageAt(fixture.image, level, c.seed);
    const key = `${c.side} | ${c.heldBack ? 'held back' : 'own'} | ${level}`;
    const t = tallyOf(key);
    t.docs++;
    const started = Date.now();
    let result: Record<string, unknown> | undefined;
    try {
      const image = await PreparedImage.from(checkImage(bytes, emiratesIdCard.limits));
      result = (await emiratesIdCard.recognize({ image, engine, now, options: args['give-side'] ? { side: c.side } : {} })) as unknown as Record<string, unknown>;
    } catch (error) {
      t.refused++;
      if (args.verbose) console.error(`${c.id} ${level}: refused (${(error as Error).message})`);
    }
    t.ms.push(Date.now() - started);
    const confidence = (result?.confidence ?? {}) as Record<string, number>;
    let allRight = result !== undefined;
    for (const [field, value] of Object.entries(fixture.expected)) {
      t.fields++;
      const got = result?.[field];
      const right = got === value || (got === undefined && value === '');
      if (right) t.fieldsRight++;
      else allRight = false;
      if (field !== 'side' && (confidence[field] ?? 0) >= 0.9) {
        t.sure++;
        if (!right) t.sureWrong++;
      }
      if (!right && result && args.verbose) {
        console.error(`${c.id} ${level} ${field}: expected ${JSON.stringify(value)} got ${JSON.stringify(got)} @${confidence[field] ?? '-'}`);
      }
    }
    if (allRight) t.docsRight++;
  }
}

const pct = (a: number, b: number) => (b ? `${((100 * a) / b).toFixed(1)}%` : '-');
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;
console.log('| side | designs | level | fields right | documents fully right | refused | wrong at conf ≥ 0.9 | p50 ms |');
console.log('|---|---|---|---|---|---|---|---|');
for (const [key, t] of [...tallies].sort(([a], [b]) => a.localeCompare(b))) {
  console.log(
    `| ${key} | ${pct(t.fieldsRight, t.fields)} | ${t.docsRight}/${t.docs} (${pct(t.docsRight, t.docs)}) | ${t.refused} | ${t.sureWrong}/${t.sure} (${pct(t.sureWrong, t.sure)}) | ${median(t.ms)} |`,
  );
}
await engine.close();
