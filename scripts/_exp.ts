import { readFileSync } from 'node:fs';
import sharp from 'sharp';
import { checkImage } from '../src/image/intake.js';
import { PreparedImage } from '../src/image/prepare.js';
import { TesseractEngine } from '../src/ocr/tesseract-engine.js';
const image = await PreparedImage.from(checkImage(readFileSync('/tmp/bank/dbg.png'), { maxSide: 8192, formats: ['png'] } as never));
const engine = new TesseractEngine({ workers: 1, timeoutMs: 60_000 });
const [x0, y0, x1, y1] = (process.argv[2] ?? '40,330,950,405').split(',').map(Number) as [number, number, number, number];
const region = { left: x0 / image.width, top: y0 / image.height, width: (x1 - x0) / image.width, height: (y1 - y0) / image.height };
for (const scale of [0.6, 0.8, 1, 1.3]) {
  for (const binarize of [false, true]) {
    for (const psm of ['7', '13', '6'] as const) {
      let png = await image.region(region, { scale, invert: 'auto', binarize });
      if (process.env.THICK) png = await sharp(png).erode(Number(process.env.THICK)).png().toBuffer();
      const r = await engine.recognize({ image: png, psm: psm as never, ...(process.env.NOWL ? {} : { whitelist: '0123456789' }) });
      console.log(scale, binarize, psm, r.text.trim().replace(/\n/g, ' | '), r.confidence.toFixed(2));
    }
  }
}
await engine.close();
