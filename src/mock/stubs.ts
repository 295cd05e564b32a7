/**
 * Stubs set through the admin API: when an image with this SHA-256 is sent to this API, answer this `result`
 * without recognising anything. It gives users deterministic answers for their own images. Pure bookkeeping.
 */
export interface StubSpec {
  /** The API's path segment, e.g. `passport`. */
  api: string;
  /** Hex SHA-256 of the decoded image bytes. */
  imageSha256: string;
  /** The `result` object to answer with; checked against the API's result schema when the stub is added. */
  result: Record<string, unknown>;
}

export interface Stub extends StubSpec {
  id: string;
  /** Requests this stub has answered so far. */
  hits: number;
}

export class StubBook {
  private stubs: Stub[] = [];

  add(spec: StubSpec, id: string): Stub {
    const stub: Stub = { ...structuredClone(spec), imageSha256: spec.imageSha256.toLowerCase(), id, hits: 0 };
    this.stubs.push(stub);
    return structuredClone(stub);
  }

  list(): Stub[] {
    return this.stubs.map((stub) => structuredClone(stub));
  }

  remove(id: string): boolean {
    const before = this.stubs.length;
    this.stubs = this.stubs.filter((stub) => stub.id !== id);
    return this.stubs.length !== before;
  }

  clear(): number {
    const count = this.stubs.length;
    this.stubs = [];
    return count;
  }

  /** The most recently added stub for this API and image (a newer stub overrides an older one), its hit counted. */
  take(api: string, imageSha256: string): Stub | undefined {
    for (let i = this.stubs.length - 1; i >= 0; i--) {
      const stub = this.stubs[i] as Stub;
      if (stub.api === api && stub.imageSha256 === imageSha256) {
        stub.hits += 1;
        return structuredClone(stub);
      }
    }
    return undefined;
  }
}
