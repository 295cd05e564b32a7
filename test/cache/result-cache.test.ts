import { describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import { ResultCache, resultCacheKey } from '../../src/cache/result-cache.js';
import { imageSha256 } from '../../src/image/digest.js';

describe('ResultCache', () => {
  it("keys an image by its bytes' SHA-256", () => {
    expect(imageSha256(Buffer.from('same bytes'))).toBe(createHash('sha256').update('same bytes').digest('hex'));
  });

  it('keys by image content, API and options', () => {
    const image = Buffer.from('same bytes');
    expect(resultCacheKey('passport', image, {})).toBe(resultCacheKey('passport', Buffer.from('same bytes'), {}));
    expect(resultCacheKey('passport', image, {})).not.toBe(resultCacheKey('bankcard', image, {}));
    expect(resultCacheKey('emirates-id-card', image, { side: 'front' })).not.toBe(resultCacheKey('emirates-id-card', image, { side: 'back' }));
    expect(resultCacheKey('x', image, { a: 1, b: 2 })).toBe(resultCacheKey('x', image, { b: 2, a: 1 }));
  });

  it('evicts the least recently used entry beyond its entry bound', () => {
    const cache = new ResultCache({ maxEntries: 2, maxBytes: 1e6 });
    cache.set('a', '{"v":1}');
    cache.set('b', '{"v":2}');
    expect(cache.get('a')).toBe('{"v":1}');
    cache.set('c', '{"v":3}');
    expect(cache.get('b')).toBeUndefined();
    expect(cache.get('a')).toBe('{"v":1}');
    expect(cache.get('c')).toBe('{"v":3}');
    expect({ hits: cache.hits, misses: cache.misses, size: cache.size.entries }).toEqual({ hits: 3, misses: 1, size: 2 });
  });

  it('stays within its byte bound and skips results larger than it', () => {
    const cache = new ResultCache({ maxEntries: 100, maxBytes: 40 });
    cache.set('a', JSON.stringify({ text: 'x'.repeat(10) }));
    cache.set('b', JSON.stringify({ text: 'y'.repeat(10) }));
    expect(cache.size).toEqual({ entries: 1, bytes: 21 });
    expect(cache.get('a')).toBeUndefined();
    cache.set('huge', JSON.stringify({ text: 'z'.repeat(100) }));
    expect(cache.get('huge')).toBeUndefined();
  });

  it('counts bytes, not characters, against its bound', () => {
    const cache = new ResultCache({ maxEntries: 10, maxBytes: 1e6 });
    cache.set('a', '"حداد"');
    expect(cache.size.bytes).toBe(10);
  });

  it('caches nothing with zero entries', () => {
    const cache = new ResultCache({ maxEntries: 0, maxBytes: 1e6 });
    cache.set('a', '1');
    expect(cache.get('a')).toBeUndefined();
  });
});
