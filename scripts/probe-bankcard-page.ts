/**
 * What the bank card page read sees on one generated card: its rows, and the recogniser's answer.
 *
 *   npx tsx scripts/probe-bankcard-page.ts DESIGN SEED LEVEL   (LEVEL: clean, medium, heavy, light, photo)
 */
import { writeFileSync } from 'node:fs';
import { capture, type CaptureLevel } from '../src/fixtures/capture.js';
import { renderBankCard, type BankCardDesignId } from '../src/fixtures/bankcard.js';
import { checkImage } from '../src/image/intake.js';
import { PreparedImage } from '../src/image/prepare.js';
import { PageSegmentation } from '../src/ocr/engine.js';
import { TesseractEngine } from '../src/ocr/tesseract-engine.js';
import { bankcard } from '../src/recognition/bankcard/index.js';
import { toRows } from '../src/recognition/toolkit/text-lines.js';

const [design = 'classic', seedText = '90000', level = 'clean'] = process.argv.slice(2);
const seed = Number(seedText);
const rendered = await renderBankCard({}, { seed, design: design as BankCardDesignId });
const image = await capture(rendered.image, level as CaptureLevel, { seed, orientation: 0 });
writeFileSync('/tmp/probe-card.png', image);
const engine = new TesseractEngine({ workers: 1, timeoutMs: 60_000 });
await engine.warm();
const prepared = await PreparedImage.from(checkImage(image, bankcard.limits));
const page = await engine.recognize({ image: await prepared.page({ invert: 'auto', binarize: true }), psm: PageSegmentation.sparse });
for (const row of toRows(page.lines)) console.log(`${row.bbox.y0}-${row.bbox.y1} h${row.height}: ${row.words.map((w) => `${w.text}(${w.confidence.toFixed(2)})`).join(' ')}`);
console.log('expected', JSON.stringify(rendered.expected));
const started = performance.now();
try {
  console.log(
    'got',
    JSON.stringify(await bankcard.recognize({ image: prepared, engine, now: Date.UTC(2026, 0, 1), options: {} })),
    `${(performance.now() - started).toFixed(0)} ms`,
  );
} catch (error) {
  console.log('refused', (error as Error).message);
}
await engine.close();
