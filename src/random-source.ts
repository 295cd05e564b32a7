/**
 * Every random choice the server makes (request ids, token ids, fault sampling, delay jitter) comes from here.
 * With a seed each purpose gets its own deterministic stream, so two runs with the same seed and clock answer byte
 * for byte the same, and using one stream more (say, a sampled fault) never shifts another (the request ids).
 * Without a seed the bytes come from the operating system's generator.
 */
import { createHash, randomBytes } from 'node:crypto';

export interface RandomStream {
  bytes(count: number): Buffer;
  /** Lower-case hex of `count` random bytes. */
  hex(count: number): string;
  /** Uniform in [0, 1). */
  next(): number;
  /** An RFC 4122 version-4 UUID. */
  uuid(): string;
}

export interface RandomSource {
  readonly seeded: boolean;
  /** The stream for one purpose; the same label always gives the same stream object. */
  stream(label: string): RandomStream;
}

function streamOver(fill: (count: number) => Buffer): RandomStream {
  const bytes = (count: number) => fill(count);
  return {
    bytes,
    hex: (count) => bytes(count).toString('hex'),
    // 53 random bits, as Math.random gives.
    next: () => Number(bytes(8).readBigUInt64BE() >> 11n) / 2 ** 53,
    uuid() {
      const b = bytes(16);
      b[6] = ((b[6] ?? 0) & 0x0f) | 0x40;
      b[8] = ((b[8] ?? 0) & 0x3f) | 0x80;
      const h = b.toString('hex');
      return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
    },
  };
}

/** SHA-256 in counter mode over (seed, label): plenty for ids and sampling, identical on every platform. */
function seededFill(seed: number, label: string): (count: number) => Buffer {
  let counter = 0;
  let pool = Buffer.alloc(0);
  return (count) => {
    while (pool.length < count) {
      const block = createHash('sha256').update(`${seed}:${label}:${counter++}`).digest();
      pool = Buffer.concat([pool, block]);
    }
    const out = pool.subarray(0, count);
    pool = pool.subarray(count);
    return Buffer.from(out);
  };
}

export function randomSource(seed?: number): RandomSource {
  const streams = new Map<string, RandomStream>();
  return {
    seeded: seed !== undefined,
    stream(label) {
      let stream = streams.get(label);
      if (!stream) {
        stream = streamOver(seed === undefined ? (count) => randomBytes(count) : seededFill(seed, label));
        streams.set(label, stream);
      }
      return stream;
    },
  };
}
