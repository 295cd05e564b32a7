/**
 * Issue 15: a request's image is hashed once, though the mock's faults and stubs and the result cache all key on
 * its SHA-256. Every hash the app computes is watched, and those over the image's bytes are counted.
 */
import { describe, expect, it, vi } from 'vitest';
import { mrzEngine, SPECIMEN_IMAGE } from '../helpers/aksk.js';
import { buildTestApp, getToken, PASSPORT_PATH } from '../helpers/index.js';

const hashed = vi.hoisted(() => ({ lengths: [] as number[] }));

vi.mock('node:crypto', async (importOriginal) => {
  const crypto = await importOriginal<typeof import('node:crypto')>();
  const createHash: typeof crypto.createHash = (...args) => {
    const hash = crypto.createHash(...args);
    const update = hash.update.bind(hash) as (data: unknown, encoding?: unknown) => typeof hash;
    hash.update = ((data: unknown, encoding?: unknown) => {
      if (data instanceof Uint8Array) hashed.lengths.push(data.length);
      return update(data, encoding);
    }) as typeof hash.update;
    return hash;
  };
  return { ...crypto, createHash, default: { ...crypto, createHash } };
});

describe('the image of an OCR request', () => {
  it('is hashed once per request, on a miss and on a cache hit', async () => {
    const t = await buildTestApp({ engine: mrzEngine() });
    const token = await getToken(t.app);
    const image = await SPECIMEN_IMAGE();
    const imageBytes = Buffer.from(image, 'base64').length;
    const send = () => t.app.inject({ method: 'POST', url: PASSPORT_PATH, headers: { 'x-auth-token': token }, payload: { image } });
    const hashesOfImage = () => hashed.lengths.filter((length) => length === imageBytes).length;

    expect((await send()).statusCode).toBe(200);
    expect(hashesOfImage()).toBe(1);
    expect((await send()).statusCode).toBe(200);
    expect(hashesOfImage()).toBe(2);
  });
});
