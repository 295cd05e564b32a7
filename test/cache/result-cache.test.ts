import { describe, expect, it } from 'vitest';
import { ResultCache, resultCacheKey } from '../../src/cache/result-cache.js';

describe('ResultCache', () => {
  it('keys by image content, API and options', () => {
    const image = Buffer.from('same bytes');
    expect(resultCacheKey('passport', image, {})).toBe(resultCacheKey('passport', Buffer.from('same bytes'), {}));
    expect(resultCacheKey('passport', image, {})).not.toBe(resultCacheKey('bankcard', image, {}));
    expect(resultCacheKey('emirates-id-card', image, { side: 'front' })).not.toBe(resultCacheKey('emirates-id-card', image, { side: 'back' }));
    expect(resultCacheKey('x', image, { a: 1, b: 2 })).toBe(resultCacheKey('x', image, { b: 2, a: 1 }));
  });

  it('evicts the least recently used entry beyond its entry bound', () => {
    const cache = new ResultCache({ maxEntries: 2, maxBytes: 1e6 });
    cache.set('a', { v: 1 });
    cache.set('b', { v: 2 });
    expect(cache.get('a')).toEqual({ v: 1 });
    cache.set('c', { v: 3 });
    expect(cache.get('b')).toBeUndefined();
    expect(cache.get('a')).toEqual({ v: 1 });
    expect(cache.get('c')).toEqual({ v: 3 });
    expect({ hits: cache.hits, misses: cache.misses, size: cache.size.entries }).toEqual({ hits: 3, misses: 1, size: 2 });
  });

  it('stays within its byte bound and skips results larger than it', () => {
    const cache = new ResultCache({ maxEntries: 100, maxBytes: 40 });
    cache.set('a', { text: 'x'.repeat(10) });
    cache.set('b', { text: 'y'.repeat(10) });
    expect(cache.size.bytes).toBeLessThanOrEqual(40);
    expect(cache.get('a')).toBeUndefined();
    cache.set('huge', { text: 'z'.repeat(100) });
    expect(cache.get('huge')).toBeUndefined();
  });

  it('hands out copies', () => {
    const cache = new ResultCache({ maxEntries: 10, maxBytes: 1e6 });
    cache.set('a', { list: [1] });
    (cache.get<{ list: number[] }>('a') as { list: number[] }).list.push(2);
    expect(cache.get('a')).toEqual({ list: [1] });
  });

  it('caches nothing with zero entries', () => {
    const cache = new ResultCache({ maxEntries: 0, maxBytes: 1e6 });
    cache.set('a', 1);
    expect(cache.get('a')).toBeUndefined();
  });
});
