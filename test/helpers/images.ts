/** Small images made on the fly. */
import sharp from 'sharp';

/** A PNG with some dark marks on white, `width`×`height`. */
export async function samplePng(width = 200, height = 100): Promise<Buffer> {
  const marks = Buffer.from(`<svg width="${width}" height="${height}"><rect x="${width / 4}" y="${height / 4}" width="${width / 2}" height="${height / 2}" fill="black"/></svg>`);
  return sharp({ create: { width, height, channels: 3, background: '#ffffff' } })
    .composite([{ input: marks }])
    .png()
    .toBuffer();
}

export async function blankPng(width = 200, height = 100): Promise<Buffer> {
  return sharp({ create: { width, height, channels: 3, background: '#ffffff' } })
    .png()
    .toBuffer();
}
