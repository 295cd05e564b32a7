/**
 * A quick accuracy probe for bank cards (issue 18): own and held-back designs × capture levels, generated on the
 * fly, through the recognition core with the real engine. Prints per source and level: card_number right,
 * documents fully right, refusals, fields wrong at confidence ≥ 0.9, p50 latency.
 *
 *   npx tsx scripts/probe-bankcard.ts [count per design = 3] [levels = clean,medium,heavy] [VERBOSE=1]
 */
import { bankCardBenchSet, type BankCardBenchLevel } from '../src/fixtures/bankcard.js';
import { checkImage } from '../src/image/intake.js';
import { PreparedImage } from '../src/image/prepare.js';
import { TesseractEngine } from '../src/ocr/tesseract-engine.js';
import { bankcard } from '../src/recognition/bankcard/index.js';

const count = Number(process.argv[2] ?? 3);
const levels = (process.argv[3] ?? 'clean,medium,heavy').split(',') as BankCardBenchLevel[];
const only = process.env.DESIGN;
const engine = new TesseractEngine({ workers: 1, timeoutMs: 60_000 });
await engine.warm();

const FIELDS = ['type', 'card_number', 'issue_date', 'expiry_date', 'card_holder', 'bank_name'] as const;
console.log('| source | level | cards | card_number right | fully right | refused | wrong at ≥0.9 | p50 ms |');
console.log('|---|---|---|---|---|---|---|---|');
for (const heldBack of [false, true]) {
  for (const level of levels) {
    const set = await bankCardBenchSet(level, count, { filter: (d) => d.heldBack === heldBack && (!only || d.id === only) });
    let numberRight = 0;
    let fullyRight = 0;
    let refused = 0;
    let sure = 0;
    let sureWrong = 0;
    const times: number[] = [];
    for (const item of set) {
      const started = performance.now();
      let result: Record<string, unknown> & { confidence?: Record<string, number> } = {};
      try {
        const image = await PreparedImage.from(checkImage(item.image, bankcard.limits));
        result = await bankcard.recognize({ image, engine, now: Date.UTC(2026, 0, 1), options: {} });
      } catch (error) {
        refused++;
        if (process.env.VERBOSE) console.error(`${item.name}: refused ${(error as Error).message}`);
      }
      times.push(performance.now() - started);
      let all = true;
      for (const field of FIELDS) {
        const right = result[field] === item.expected[field];
        const confidence = result.confidence?.[field] ?? 0;
        if (confidence >= 0.9) {
          sure++;
          if (!right) sureWrong++;
        }
        if (!right) {
          all = false;
          if (process.env.VERBOSE && result.confidence)
            console.error(`${item.name} ${field}: expected ${JSON.stringify(item.expected[field])} got ${JSON.stringify(result[field])} (${confidence})`);
        }
      }
      if (result.card_number === item.expected.card_number) numberRight++;
      if (all) fullyRight++;
    }
    const pct = (n: number) => `${((100 * n) / Math.max(1, set.length)).toFixed(0)}%`;
    const p50 = [...times].sort((a, b) => a - b)[Math.floor(times.length / 2)] ?? 0;
    console.log(
      `| ${heldBack ? 'held back' : 'own'} | ${level} | ${set.length} | ${pct(numberRight)} | ${pct(fullyRight)} | ${refused} | ${sureWrong}/${sure} | ${p50.toFixed(0)} |`,
    );
  }
}
await engine.close();
