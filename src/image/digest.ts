/**
 * The SHA-256 of an image's bytes, in hex: what the mock's faults and stubs match and the result cache keys on.
 * Remembered per buffer, so that a request's image is hashed once however many of them ask.
 */
import { createHash } from 'node:crypto';

const digests = new WeakMap<Uint8Array, string>();

export function imageSha256(bytes: Uint8Array): string {
  let digest = digests.get(bytes);
  if (digest === undefined) {
    digest = createHash('sha256').update(bytes).digest('hex');
    digests.set(bytes, digest);
  }
  return digest;
}
