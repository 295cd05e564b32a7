/**
 * Digits read by glyph shape (toolkit/glyph-shapes.ts), on lines rendered here in the committed faces: the
 * stroke faces the engine misreads, light print on a dark card, a face outside the templates, and print that is
 * no digits at all.
 */
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { type FontName, renderText } from '../../../src/fixtures/render.js';
import { matchDigit, otsuLevel, readDigitShapes, shapeOf } from '../../../src/recognition/toolkit/glyph-shapes.js';

/** `text` in `font` on a flat ground, as a page of grey pixels; light print on dark ground when `dark`. */
async function line(text: string, font: FontName, options: { dark?: boolean; size?: number } = {}) {
  const ground = options.dark ? '#1c2a55' : '#f2efe6';
  const rendered = await renderText(text, { font, size: options.size ?? 40, color: options.dark ? '#f0f0f0' : '#202020' });
  const { data, info } = await sharp({ create: { width: rendered.width + 60, height: rendered.height + 40, channels: 3, background: ground } })
    .composite([{ input: rendered.image, left: 30, top: 20 }])
    .grayscale()
    .raw()
    .toBuffer({ resolveWithObject: true });
  return { pixels: new Uint8Array(data), width: info.width, height: info.height };
}

const whole = (page: { width: number; height: number }) => ({ x0: 0, y0: 0, x1: page.width - 1, y1: page.height - 1 });

describe('readDigitShapes', () => {
  it('reads an OCR-A card number, light on a dark card, every digit in order', async () => {
    const page = await line('4629 8898 8440 5076', 'ocra', { dark: true });
    const reading = readDigitShapes(page, whole(page));
    expect(reading?.digits).toBe('4629889884405076');
    expect(reading?.boxes).toHaveLength(16);
    expect(Math.min(...(reading?.confidences ?? [0]))).toBeGreaterThan(0.5);
  });

  it('reads the digits of every face it knows, small as well as large', async () => {
    for (const font of ['ocrb', 'sansBold', 'monoBold', 'liberationSerif'] as const) {
      for (const size of [22, 48]) {
        const page = await line('0123456789', font, { size });
        expect(readDigitShapes(page, whole(page))?.digits, `${font} ${size}px`).toBe('0123456789');
      }
    }
  });

  it('reads most digits of a bold serif face it has no template for', async () => {
    const page = await line('3141 5926 5358 9793', 'serifBold');
    const digits = readDigitShapes(page, whole(page))?.digits ?? '';
    const same = [...'3141592653589793'].filter((d, i) => digits[i] === d).length;
    expect(digits).toHaveLength(16);
    expect(same).toBeGreaterThanOrEqual(13);
  });

  it('gives letters low confidence: they look like no digit', async () => {
    const page = await line('WXKM', 'sansBold');
    const reading = readDigitShapes(page, whole(page));
    expect(Math.max(...(reading?.confidences ?? [1]))).toBeLessThan(0.5);
  });

  it('finds no line in an empty band', () => {
    const page = { pixels: new Uint8Array(100 * 30).fill(200), width: 100, height: 30 };
    expect(readDigitShapes(page, whole(page))).toBeUndefined();
  });
});

describe('shape primitives', () => {
  it('splits two grey levels between them', () => {
    expect(otsuLevel([...Array(50).fill(40), ...Array(50).fill(200)])).toBeGreaterThanOrEqual(40);
    expect(otsuLevel([...Array(50).fill(40), ...Array(50).fill(200)])).toBeLessThan(200);
  });

  it('matches no digit surely from an empty shape', () => {
    const mask = { ink: new Uint8Array(20 * 20), width: 20, height: 20 };
    expect(matchDigit(shapeOf(mask, { x0: 2, y0: 2, x1: 17, y1: 17 })).confidence).toBeLessThan(0.3);
  });
});
