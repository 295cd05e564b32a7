/**
 * A bounded LRU of recognition answers keyed by content: sha256 of the image bytes, the API and any request
 * options that change the answer (the ID card's side). Re-sending the same image — common in test suites — then
 * costs a lookup instead of an OCR run. It keeps the answer as the JSON text that was sent, so a hit is sent as it
 * is: no copy, no serialisation. Bounded both in entries and in the bytes of that text.
 */
import { imageSha256 } from '../image/digest.js';

export interface ResultCacheOptions {
  maxEntries: number;
  maxBytes: number;
}

interface Entry {
  json: string;
  bytes: number;
}

export function resultCacheKey(api: string, image: Uint8Array, options: Record<string, unknown>): string {
  const extras = Object.keys(options)
    .sort()
    .map((k) => `${k}=${JSON.stringify(options[k])}`)
    .join('&');
  return `${api}:${imageSha256(image)}:${extras}`;
}

export class ResultCache {
  // A Map iterates in insertion order: re-inserting on every hit keeps the least recently used first.
  private readonly entries = new Map<string, Entry>();
  private bytes = 0;
  hits = 0;
  misses = 0;

  constructor(private readonly options: ResultCacheOptions) {}

  /** The answer's JSON text, as `set` was given it. */
  get(key: string): string | undefined {
    const entry = this.entries.get(key);
    if (!entry) {
      this.misses++;
      return undefined;
    }
    this.hits++;
    this.entries.delete(key);
    this.entries.set(key, entry);
    return entry.json;
  }

  set(key: string, json: string): void {
    if (this.options.maxEntries === 0) return;
    const bytes = Buffer.byteLength(json);
    if (bytes > this.options.maxBytes) return;
    const previous = this.entries.get(key);
    if (previous) {
      this.bytes -= previous.bytes;
      this.entries.delete(key);
    }
    this.entries.set(key, { json, bytes });
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
