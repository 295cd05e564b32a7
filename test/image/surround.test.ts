import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { withoutSurround } from '../../src/image/surround.js';

/** A 200×120 page of paper tone 200 with a light-grey label (150) and black print (30), on a dark table (40). */
async function photo(surround: number): Promise<Buffer> {
  const pixels = new Uint8Array(240 * 160).fill(surround);
  for (let y = 20; y < 140; y++) for (let x = 20; x < 220; x++) pixels[y * 240 + x] = 200;
  for (let y = 50; y < 56; y++) for (let x = 40; x < 100; x++) pixels[y * 240 + x] = 150;
  for (let y = 60; y < 80; y++) for (let x = 40; x < 160; x++) pixels[y * 240 + x] = 30;
  return sharp(Buffer.from(pixels), { raw: { width: 240, height: 160, channels: 1 } })
    .png()
    .toBuffer();
}

const grey = async (png: Buffer) => new Uint8Array(await sharp(png).extractChannel(0).raw().toBuffer());

describe("a photo's surround", () => {
  it("is painted in the paper's tone, and the print on the page is left as it was", async () => {
    const out = await grey(await withoutSurround(await photo(40)));
    expect(out[0]).toBe(200);
    expect(out[10 * 240 + 120]).toBe(200);
    expect(out[52 * 240 + 50]).toBe(150);
    expect(out[70 * 240 + 50]).toBe(30);
  });

  it('leaves a scan (no dark border) untouched', async () => {
    const scan = await photo(235);
    expect(await withoutSurround(scan)).toBe(scan);
  });
});
