/**
 * A bounded LRU of recognition results keyed by content: sha256 of the image bytes, the API and any request
 * options that change the answer (the ID card's side). Re-sending the same image — common in test suites — then
 * costs a hash instead of an OCR run. Bounded both in entries and in the bytes the results take as JSON.
 */
import { createHash } from 'node:crypto';

export interface ResultCacheOptions {
  maxEntries: number;
  maxBytes: number;
}

interface Entry {
  value: unknown;
  bytes: number;
}

export function resultCacheKey(api: string, image: Uint8Array, options: Record<string, unknown>): string {
  const hash = createHash('sha256').update(image).digest('hex');
  const extras = Object.keys(options)
    .sort()
    .map((k) => `${k}=${JSON.stringify(options[k])}`)
    .join('&');
  return `${api}:${hash}:${extras}`;
}

export class ResultCache {
  // A Map iterates in insertion order: re-inserting on every hit keeps the least recently used first.
  private readonly entries = new Map<string, Entry>();
  private bytes = 0;
  hits = 0;
  misses = 0;

  constructor(private readonly options: ResultCacheOptions) {}

  get<T>(key: string): T | undefined {
    const entry = this.entries.get(key);
    if (!entry) {
      this.misses++;
      return undefined;
    }
    this.hits++;
    this.entries.delete(key);
    this.entries.set(key, entry);
    // Callers get their own copy: a result handed out must not be changed in the cache through it.
    return structuredClone(entry.value) as T;
  }

  set(key: string, value: unknown): void {
    if (this.options.maxEntries === 0) return;
    const bytes = Buffer.byteLength(JSON.stringify(value));
    if (bytes > this.options.maxBytes) return;
    const previous = this.entries.get(key);
    if (previous) {
      this.bytes -= previous.bytes;
      this.entries.delete(key);
    }
    this.entries.set(key, { value: structuredClone(value), bytes });
    this.bytes += bytes;
    for (const [oldest, entry] of this.entries) {
      if (this.entries.size <= this.options.maxEntries && this.bytes <= this.options.maxBytes) break;
      this.entries.delete(oldest);
      this.bytes -= entry.bytes;
    }
  }

  clear(): void {
    this.entries.clear();
    this.bytes = 0;
  }

  get size(): { entries: number; bytes: number } {
    return { entries: this.entries.size, bytes: this.bytes };
  }
}
