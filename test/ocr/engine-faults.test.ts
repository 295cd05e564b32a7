/** The tesseract.js pool survives a wedged worker: the job on it times out (an EngineError), the next succeeds. */
import { afterAll, describe, expect, it } from 'vitest';
import { realEngine } from '../helpers/engines.js';
import sharp from 'sharp';
import { ENGINE_FAILURE_CODES } from '../../src/errors/engine-failures.js';
import { EngineError } from '../../src/ocr/engine.js';

async function textImage(text: string): Promise<Buffer> {
  const svg = `<svg width="600" height="120"><rect width="600" height="120" fill="white"/><text x="20" y="80" font-size="48" font-family="DejaVu Sans">${text}</text></svg>`;
  return sharp(Buffer.from(svg)).png().toBuffer();
}

/** A page crammed with text: reading all of it takes tesseract several seconds, far beyond the timeout. */
async function grindingImage(): Promise<Buffer> {
  const rows = Array.from(
    { length: 90 },
    (_, i) => `<text x="10" y="${30 + i * 36}" font-size="28" font-family="DejaVu Sans">${`LINE ${i} QUICK BROWN FOX 0123456789 `.repeat(5)}</text>`,
  ).join('');
  const svg = `<svg width="3400" height="3300"><rect width="3400" height="3300" fill="white"/>${rows}</svg>`;
  return sharp(Buffer.from(svg)).png().toBuffer();
}

describe('TesseractEngine faults', () => {
  const engine = realEngine({ workers: 1, arabicWorkers: 1, timeoutMs: 1500 });
  afterAll(() => engine.close());

  it('abandons a job that overruns the timeout (ModelArts.4402 to the client), replaces the worker, and reads the next', async () => {
    await engine.warm();
    const image = await textImage('HELLO 2026');
    expect((await engine.recognize({ image })).text).toContain('HELLO');

    const failed = await engine.recognize({ image: await grindingImage() }).then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(failed).toBeInstanceOf(EngineError);
    expect((failed as EngineError).kind).toBe('timeout');
    expect(ENGINE_FAILURE_CODES.timeout).toBe('ModelArts.4402');
    expect(engine.replacements).toBe(1);

    expect((await engine.recognize({ image })).text).toContain('HELLO');
  });
});
