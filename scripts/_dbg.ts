import { writeFileSync } from 'node:fs';
import sharp from 'sharp';
import { renderBankCard } from '../src/fixtures/bankcard.js';
import { degrade } from '../src/fixtures/degrade.js';
import { checkImage } from '../src/image/intake.js';
import { PreparedImage } from '../src/image/prepare.js';
import { TesseractEngine } from '../src/ocr/tesseract-engine.js';
import { bankcard } from '../src/recognition/bankcard.js';
const [design, seed, level] = [process.argv[2] as never, Number(process.argv[3]), (process.argv[4] ?? 'clean') as never];
const card = await renderBankCard({}, { seed, design });
const img = await degrade(card.image, level, seed);
writeFileSync('/tmp/bank/dbg.png', await sharp(img).png().toBuffer());
const engine = new TesseractEngine({ workers: 1, timeoutMs: 60_000 });
const logging = { recognize: async (r: any) => { const res = await engine.recognize(r); console.log(`psm=${r.psm} wl=${r.whitelist ?? ''} -> ${JSON.stringify(res.lines.map((l) => l.words.map((w) => `${w.text}:${w.confidence.toFixed(2)}`).join(' ')))}`); if (process.env.SAVE) writeFileSync(`/tmp/bank/req-${Date.now()}.png`, r.image); return res; }, warm: () => engine.warm(), isWarm: () => true, close: () => engine.close() };
const image = await PreparedImage.from(checkImage(img, bankcard.limits));
console.log('expected', card.expected);
try { console.log(await bankcard.recognize({ image, engine: logging as never, now: 0, options: {} })); } catch (e) { console.log('refused', e); }
await engine.close();
