import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { CAPTURE_LEVELS, CAPTURE_LEVEL_NAMES, PHOTO_CAPTURE, capture, captureExtension, degrade, homography, type Quad } from '../src/fixtures/index.js';

/** A magenta page with dark bars: no surface is magenta, so the page can be found in the photo by colour. */
async function magentaPage(width = 1000, height = 700): Promise<Buffer> {
  const bars = Array.from({ length: 8 }, (_, i) => `<rect x="60" y="${60 + i * 70}" width="${width - 120}" height="24" fill="#202020"/>`).join('');
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}"><rect width="100%" height="100%" fill="#ff00ff"/>${bars}</svg>`;
  return sharp(Buffer.from(svg)).png().toBuffer();
}

describe('capture', () => {
  it('lists every level as data', () => {
    expect(CAPTURE_LEVEL_NAMES).toEqual(['clean', 'light', 'medium', 'heavy', 'photo']);
    expect(Object.keys(CAPTURE_LEVELS).sort()).toEqual(['heavy', 'light', 'medium', 'photo']);
    expect(captureExtension('clean')).toBe('png');
    expect(captureExtension('photo')).toBe('jpg');
  });

  it('is degrade() byte for byte for the scanner levels when upright', async () => {
    const page = await magentaPage(600, 420);
    for (const level of ['clean', 'light', 'medium', 'heavy'] as const) {
      expect((await capture(page, level, { seed: 5 })).equals(await degrade(page, level, 5))).toBe(true);
    }
  });

  it('makes the same photo for the same seed and another for another seed', async () => {
    const page = await magentaPage();
    const [a, b, c] = await Promise.all([capture(page, 'photo', { seed: 1 }), capture(page, 'photo', { seed: 1 }), capture(page, 'photo', { seed: 2 })]);
    expect(a.equals(b)).toBe(true);
    expect(a.equals(c)).toBe(false);
  });

  it.each([3, 4, 8])('puts the whole document inside a phone-sized frame (seed %i)', async (seed) => {
    const photo = await capture(await magentaPage(), 'photo', { seed });
    expect((await sharp(photo).metadata()).format).toBe('jpeg');
    const { data, info } = await sharp(photo).raw().toBuffer({ resolveWithObject: true });
    expect(info.width).toBeGreaterThanOrEqual(PHOTO_CAPTURE.width[0]);
    expect(info.width).toBeLessThanOrEqual(PHOTO_CAPTURE.width[1]);
    expect(info.width / info.height).toBeGreaterThanOrEqual(PHOTO_CAPTURE.aspect[0] - 0.01);
    expect(info.width / info.height).toBeLessThanOrEqual(PHOTO_CAPTURE.aspect[1] + 0.01);

    let [minX, maxX, minY, maxY, count] = [Infinity, -Infinity, Infinity, -Infinity, 0];
    for (let y = 0; y < info.height; y++) {
      for (let x = 0; x < info.width; x++) {
        const i = (y * info.width + x) * info.channels;
        const [r, g, b] = [data[i] ?? 0, data[i + 1] ?? 0, data[i + 2] ?? 0];
        if (r - g > 60 && b - g > 60) {
          count++;
          [minX, maxX, minY, maxY] = [Math.min(minX, x), Math.max(maxX, x), Math.min(minY, y), Math.max(maxY, y)];
        }
      }
    }
    const spanX = (maxX - minX) / info.width;
    expect(spanX).toBeGreaterThan(0.5);
    expect(spanX).toBeLessThan(0.9);
    // Inside the frame, not cut by its border.
    expect(minX).toBeGreaterThan(0);
    expect(minY).toBeGreaterThan(0);
    expect(maxX).toBeLessThan(info.width - 1);
    expect(maxY).toBeLessThan(info.height - 1);
    // The page is there (not blank), and the surface around it too.
    expect(count / (info.width * info.height)).toBeGreaterThan(0.15);
    expect(count / (info.width * info.height)).toBeLessThan(0.8);
  });

  it('turns the final image: 90 and 270 swap width and height, 180 keeps them', async () => {
    const page = await magentaPage(600, 420);
    const size = async (buffer: Buffer) => {
      const { width, height } = await sharp(buffer).metadata();
      return [width, height];
    };
    for (const level of ['clean', 'medium'] as const) {
      const [w, h] = await size(await capture(page, level, { seed: 2 }));
      expect(await size(await capture(page, level, { seed: 2, orientation: 90 }))).toEqual([h, w]);
      expect(await size(await capture(page, level, { seed: 2, orientation: 180 }))).toEqual([w, h]);
      expect(await size(await capture(page, level, { seed: 2, orientation: 270 }))).toEqual([h, w]);
    }
    const [w, h] = await size(await capture(page, 'photo', { seed: 2 }));
    expect(await size(await capture(page, 'photo', { seed: 2, orientation: 270 }))).toEqual([h, w]);
  });

  it('refuses an orientation that is not a quarter turn', async () => {
    await expect(capture(await magentaPage(60, 40), 'light', { seed: 1, orientation: 45 as 90 })).rejects.toThrow(RangeError);
  });
});

describe('homography', () => {
  it('maps the four corners where asked, and points between them projectively', () => {
    const from: Quad = [
      [0, 0],
      [100, 0],
      [100, 50],
      [0, 50],
    ];
    const to: Quad = [
      [10, 5],
      [190, 20],
      [170, 140],
      [25, 120],
    ];
    const [a, b, c, d, e, f, g, h] = homography(from, to) as [number, number, number, number, number, number, number, number];
    const apply = ([x, y]: readonly [number, number]) => {
      const w = g * x + h * y + 1;
      return [(a * x + b * y + c) / w, (d * x + e * y + f) / w];
    };
    from.forEach((corner, i) => {
      const [u, v] = apply(corner);
      expect(u).toBeCloseTo(to[i]![0], 6);
      expect(v).toBeCloseTo(to[i]![1], 6);
    });
  });
});
