/**
 * Stubs set through the admin API: when an image with this SHA-256 is sent to this API, answer this `result`
 * without recognising anything. It gives users deterministic answers for their own images. Pure bookkeeping.
 */
import { Book, type Entry } from './book.js';

export interface StubSpec {
  /** The API's path segment, e.g. `passport`. */
  api: string;
  /** Hex SHA-256 of the decoded image bytes. */
  imageSha256: string;
  /** The `result` object to answer with; checked against the API's result schema when the stub is added. */
  result: Record<string, unknown>;
}

/** `hits`: requests this stub has answered so far. */
export interface Stub extends StubSpec, Entry {}

/** A stub as stored: its hash in lower case, as requests' hashes are. */
export function normaliseStub(spec: StubSpec): StubSpec {
  return { ...spec, imageSha256: spec.imageSha256.toLowerCase() };
}

export class StubBook extends Book<StubSpec, Stub> {
  constructor() {
    super(normaliseStub);
  }

  /** The most recently added stub for this API and image (a newer stub overrides an older one), its hit counted. */
  take(api: string, imageSha256: string): Stub | undefined {
    for (let i = this.items.length - 1; i >= 0; i--) {
      const stub = this.items[i] as Stub;
      if (stub.api === api && stub.imageSha256 === imageSha256) {
        stub.hits += 1;
        return structuredClone(stub);
      }
    }
    return undefined;
  }
}
