/**
 * `npm run bench:accuracy`: how well recognition reads, per document kind × source × capture level, through the
 * recognition core with the real engine.
 *
 * Sources:
 * - `own`: the committed fixtures (the designs recognition was tuned on);
 * - `own-generated`: the other tuning designs, rendered now at every capture level;
 * - `held-back`: designs tuning never looked at, rendered now at every capture level;
 * - `specimens`: real scans in ../shared/specimens (manifest.json), when that folder is present. They stay
 *   outside the project: their licences are their repositories'.
 *
 * For each cell: fields right, documents fully right, refusals (AIS.0104), and wrong answers given with confidence
 * ≥ 0.9. Then the reliability table: confidence bucket → share right.
 *
 *   npm run bench:accuracy                         # every kind and source
 *   npm run bench:accuracy -- --kind passport      # one kind
 *   npm run bench:accuracy -- --source held-back   # one source
 *   npm run bench:accuracy -- --level clean        # one capture level of the generated sources
 *   npm run bench:accuracy -- --per-design 4       # generated documents per design and level (default 3)
 *   VERBOSE=1 npm run bench:accuracy               # every wrong field
 */
import { existsSync, readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { parseArgs } from 'node:util';
import { ApiError } from '../src/errors/catalogue.js';
import { engineFailureToApiError } from '../src/errors/engine-failures.js';
import { capture, type CaptureLevel, type Orientation } from '../src/fixtures/capture.js';
import { BANK_CARD_DESIGNS, renderBankCard } from '../src/fixtures/bankcard.js';
import { EMIRATES_ID_DESIGNS, renderEmiratesId } from '../src/fixtures/emirates-id.js';
import { PASSPORT_DESIGNS, renderPassport } from '../src/fixtures/passport.js';
import { checkImage } from '../src/image/intake.js';
import { PreparedImage } from '../src/image/prepare.js';
import { TesseractEngine } from '../src/ocr/tesseract-engine.js';
import { DOCUMENT_TYPES } from '../src/recognition/registry.js';

interface Sample {
  id: string;
  level: string;
  load: () => Promise<{ image: Buffer; expected: Record<string, unknown>; request?: Record<string, unknown> }>;
}

/** A generated sample: a rendering of one design, captured at one level. */
interface Generator {
  designs: readonly { id: string; heldBack: boolean }[];
  /** Designs the committed fixtures already show (the `own` source): not rendered again. */
  committed: readonly string[];
  render(seed: number, design: string): Promise<{ image: Buffer; expected: unknown; request?: Record<string, unknown> }>;
}

/** Capture levels for generated samples: scanner levels, a page turned on its side, a phone photo. */
const LEVELS: readonly { name: string; capture: CaptureLevel; orientation?: Orientation }[] = [
  { name: 'clean', capture: 'clean' },
  { name: 'medium', capture: 'medium' },
  { name: 'hard', capture: 'heavy' },
  { name: 'rotated', capture: 'light', orientation: 90 },
  { name: 'photo', capture: 'photo' },
];

const GENERATORS: Record<string, Generator> = {
  passport: {
    designs: PASSPORT_DESIGNS,
    committed: ['classic'],
    render: (seed, design) => renderPassport({}, { seed, design }),
  },
  bankcard: {
    designs: BANK_CARD_DESIGNS,
    committed: ['classic'],
    render: (seed, design) => renderBankCard({}, { seed, design: design as (typeof BANK_CARD_DESIGNS)[number]['id'] }),
  },
  'emirates-id-card': {
    designs: EMIRATES_ID_DESIGNS,
    committed: ['stacked', 'inline', 'current', 'legacy'],
    // No side in the request: the side is detected, as the reference's automatic mode does.
    render: (seed, design) => renderEmiratesId(EMIRATES_ID_DESIGNS.find((d) => d.id === design)?.side ?? 'front', {}, { seed, design }),
  },
};

const KINDS: Record<string, { api: string; folder: string; specimenKinds: string[] }> = {
  passport: { api: 'passport', folder: 'passport', specimenKinds: ['passport'] },
  'emirates-id-card': { api: 'emirates-id-card', folder: 'emirates-id-card', specimenKinds: ['id-card-td1'] },
  bankcard: { api: 'bankcard', folder: 'bankcard', specimenKinds: ['bankcard'] },
};

const FIXTURE_ROOT = new URL('../fixtures/', import.meta.url);
const SPECIMENS = new URL('../../shared/specimens/', import.meta.url);

function ownFixtures(folder: string): Sample[] {
  const indexUrl = new URL(`${folder}/index.json`, FIXTURE_ROOT);
  if (!existsSync(indexUrl)) return [];
  const index = JSON.parse(readFileSync(indexUrl, 'utf8')) as { file: string; expected: string; level: string; request?: Record<string, unknown> }[];
  return index.map((entry) => ({
    id: entry.file,
    level: entry.level,
    load: async () => ({
      image: readFileSync(new URL(`${folder}/${entry.file}`, FIXTURE_ROOT)),
      expected: JSON.parse(readFileSync(new URL(`${folder}/${entry.expected}`, FIXTURE_ROOT), 'utf8')) as Record<string, unknown>,
      request: entry.request,
    }),
  }));
}

function generated(generator: Generator, heldBack: boolean, perDesign: number): Sample[] {
  const samples: Sample[] = [];
  generator.designs
    .filter((d) => d.heldBack === heldBack && !generator.committed.includes(d.id))
    .forEach((design, d) => {
      LEVELS.forEach((level, l) => {
        if (args.level && level.name !== args.level) return;
        for (let n = 0; n < perDesign; n++) {
          const seed = 90_000 + d * 1000 + l * 100 + n;
          samples.push({
            id: `${design.id}#${seed}`,
            level: level.name,
            load: async () => {
              const rendered = await generator.render(seed, design.id);
              const orientation = level.orientation ?? 0;
              const image = await capture(rendered.image, level.capture, { seed, orientation });
              return { image, expected: rendered.expected as Record<string, unknown>, request: rendered.request };
            },
          });
        }
      });
    });
  return samples;
}

function specimens(kinds: readonly string[]): Sample[] {
  const manifestUrl = new URL('manifest.json', SPECIMENS);
  if (!existsSync(manifestUrl)) return [];
  const manifest = JSON.parse(readFileSync(manifestUrl, 'utf8')) as {
    images: { id: string; file: string; kind: string; truth: Record<string, string> }[];
  };
  return manifest.images
    .filter((item) => kinds.includes(item.kind))
    .map((item) => ({
      id: item.id,
      level: 'real',
      load: async () => ({
        image: readFileSync(new URL(item.file, SPECIMENS)),
        expected: item.truth,
        request: item.kind === 'id-card-td1' ? { side: 'back' } : undefined,
      }),
    }));
}

interface Outcome {
  refused: boolean;
  fields: { field: string; right: boolean; confidence: number }[];
}

const { values: args } = parseArgs({
  options: { kind: { type: 'string' }, source: { type: 'string' }, level: { type: 'string' }, 'per-design': { type: 'string', default: '3' } },
});
const perDesign = Number(args['per-design']);
const engine = new TesseractEngine({ workers: Math.min(2, availableParallelism()), timeoutMs: 120_000 });
await engine.warm();
const now = Date.UTC(2026, 10, 25);

async function run(api: string, sample: Sample): Promise<Outcome> {
  const document = DOCUMENT_TYPES.find((d) => d.api === api);
  if (!document) throw new Error(`no document type ${api}`);
  const { image, expected, request } = await sample.load();
  let result: Record<string, unknown> = {};
  let refused = false;
  try {
    const prepared = await PreparedImage.from(checkImage(image, document.limits));
    result = (await document.recognize({ image: prepared, engine, now, options: request ?? {} })) as Record<string, unknown>;
  } catch (error) {
    // A vendor error, or an engine failure the server would answer with one: the document was not read.
    if (!(error instanceof ApiError) && !engineFailureToApiError(error)) throw error;
    refused = true;
  }
  const confidence = (result.confidence ?? {}) as Record<string, number>;
  const fields = Object.entries(expected)
    .filter(([field, value]) => field !== 'confidence' && field !== 'extra_info' && field !== 'side' && typeof value === 'string')
    .map(([field, value]) => ({ field, right: result[field] === value, confidence: refused ? 0 : (confidence[field] ?? 0) }));
  if (process.env.VERBOSE) {
    for (const f of fields.filter((x) => !x.right)) {
      console.error(`  ${sample.id} [${sample.level}] ${f.field}: got ${JSON.stringify(result[f.field])} (${f.confidence}) want ${JSON.stringify(expected[f.field])}`);
    }
  }
  return { refused, fields };
}

/** Runs samples two at a time: the pool has two workers, and each recognition keeps one busy at most most of the time. */
async function runAll(api: string, samples: readonly Sample[]): Promise<Map<Sample, Outcome>> {
  const outcomes = new Map<Sample, Outcome>();
  let next = 0;
  const lane = async () => {
    while (next < samples.length) {
      const sample = samples[next++] as Sample;
      outcomes.set(sample, await run(api, sample));
    }
  };
  await Promise.all([lane(), lane()]);
  return outcomes;
}

const pct = (right: number, total: number) => (total ? `${((100 * right) / total).toFixed(1)}%` : '-');
const BUCKETS = [0, 0.5, 0.7, 0.9, 1.0001] as const;
const reliability = BUCKETS.slice(0, -1).map(() => ({ right: 0, total: 0 }));

console.log('| kind | source | level | documents | fields right | documents fully right | refused | wrong at confidence ≥ 0.9 |');
console.log('|---|---|---|---|---|---|---|---|');
for (const [kind, { api, folder, specimenKinds }] of Object.entries(KINDS)) {
  if (args.kind && args.kind !== kind) continue;
  const generator = GENERATORS[kind];
  const sources: [string, Sample[]][] = [
    ['own', ownFixtures(folder)],
    // The committed fixtures are the first design: the others are rendered here.
    ['own-generated', generator ? generated(generator, false, perDesign) : []],
    ['held-back', generator ? generated(generator, true, perDesign) : []],
    ['specimens', specimens(specimenKinds)],
  ];
  for (const [source, samples] of sources) {
    if ((args.source && args.source !== source) || samples.length === 0) continue;
    const started = Date.now();
    const outcomes = await runAll(api, samples);
    const levels = [...new Set(samples.map((s) => s.level))];
    for (const level of levels) {
      const mine = samples.filter((s) => s.level === level).map((s) => outcomes.get(s) as Outcome);
      const fields = mine.flatMap((o) => o.fields);
      const sure = fields.filter((f) => f.confidence >= 0.9);
      console.log(
        `| ${kind} | ${source} | ${level} | ${mine.length} | ${pct(fields.filter((f) => f.right).length, fields.length)} | ${pct(
          mine.filter((o) => !o.refused && o.fields.every((f) => f.right)).length,
          mine.length,
        )} | ${mine.filter((o) => o.refused).length} | ${sure.filter((f) => !f.right).length} of ${sure.length} |`,
      );
    }
    if (source !== 'own') {
      for (const f of [...outcomes.values()].flatMap((o) => (o.refused ? [] : o.fields))) {
        if (!f.confidence && !f.right) continue;
        const bucket = BUCKETS.findIndex((b, i) => f.confidence >= b && f.confidence < (BUCKETS[i + 1] ?? 2));
        const cell = reliability[bucket];
        if (cell) {
          cell.total++;
          if (f.right) cell.right++;
        }
      }
    }
    if (process.env.VERBOSE) console.error(`${kind}/${source}: ${samples.length} documents in ${((Date.now() - started) / 1000).toFixed(0)} s`);
  }
}

console.log('\nReliability of returned fields on documents not tuned on (own-generated, held-back, specimens):\n');
console.log('| confidence | fields | right |');
console.log('|---|---|---|');
reliability.forEach((cell, i) => {
  const upper = Math.min(1, BUCKETS[i + 1] ?? 1);
  console.log(`| ${BUCKETS[i]?.toFixed(1)}–${upper.toFixed(1)}${i === reliability.length - 1 ? '' : ' (excl.)'} | ${cell.total} | ${pct(cell.right, cell.total)} |`);
});
await engine.close();
