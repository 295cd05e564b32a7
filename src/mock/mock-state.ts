/**
 * What only the emulator holds, scoped by namespace, one store per concern: the journal, faults and stubs. Each is
 * in memory by default, or in Redis so that replicas act as one (`stateStore`, src/store/). No fastify here: the
 * mock's hooks and the admin routes both call into this one object, so what a test sets is what requests see. The
 * gateway's own state (settings, lockouts, windows, slots) is src/gateway/gateway-state.ts.
 *
 * Scopes: each namespace has its own faults and stubs; the global scope (admin calls without a namespace) holds
 * faults and stubs that apply to every namespace after its own.
 */
import { waitForAll, type MaybePromise } from '../store/store.js';
import type { Book } from './book.js';
import { FaultBook, type Fault, type FaultPhase, type FaultSpec, type RequestFacts } from './faults.js';
import { Journal, type JournalStore } from './journal.js';
import { StubBook, type Stub, type StubSpec } from './stubs.js';

/** Faults or stubs by scope; a `scope` of undefined is the global scope. */
export interface BookStore<Spec, Item> {
  add(scope: string | undefined, spec: Spec): MaybePromise<Item>;
  list(scope: string | undefined): MaybePromise<Item[]>;
  remove(scope: string | undefined, id: string): MaybePromise<boolean>;
  clear(scope: string | undefined): MaybePromise<number>;
  /** One namespace's entries, or every scope's, the global one included. */
  reset(namespace?: string): MaybePromise<void>;
}

export interface FaultStore extends BookStore<FaultSpec, Fault> {
  /**
   * The first fault of the namespace's, then the global ones, that matches and is not spared by its probability;
   * its hit counted once however many replicas share the store, and a fault that has used up `times` removed.
   */
  take(namespace: string, facts: RequestFacts, phase: FaultPhase, sample: () => number): MaybePromise<Fault | undefined>;
}

export interface StubStore extends BookStore<StubSpec, Stub> {
  /** The namespace's newest stub for this API and image, else the global one's, its hit counted. */
  take(namespace: string, api: string, imageSha256: string): MaybePromise<Stub | undefined>;
}

/** The admin API's two books, by the name its paths give them. */
export type BookKind = 'faults' | 'stubs';

/** Fault and stub ids share one sequence (`fault-1`, `stub-2`, …), as an admin reads them in one journal. */
export type IdSequence = () => number;

/** One book per scope, in this process. */
class MemoryBooks<Spec, Item extends Spec & { id: string; hits: number }, B extends Book<Spec, Item>> implements BookStore<Spec, Item> {
  protected readonly global: B;
  protected readonly scopes = new Map<string, B>();

  constructor(
    private readonly newBook: () => B,
    private readonly prefix: string,
    private readonly nextId: IdSequence,
  ) {
    this.global = newBook();
  }

  add(scope: string | undefined, spec: Spec): Item {
    return this.bookOf(scope).add(spec, `${this.prefix}-${this.nextId()}`);
  }

  list(scope: string | undefined): Item[] {
    return this.peek(scope)?.list() ?? [];
  }

  remove(scope: string | undefined, id: string): boolean {
    return this.peek(scope)?.remove(id) ?? false;
  }

  clear(scope: string | undefined): number {
    return this.peek(scope)?.clear() ?? 0;
  }

  reset(namespace?: string): void {
    if (namespace !== undefined) {
      this.scopes.delete(namespace);
      return;
    }
    this.scopes.clear();
    this.global.clear();
  }

  private peek(scope: string | undefined): B | undefined {
    return scope === undefined ? this.global : this.scopes.get(scope);
  }

  private bookOf(scope: string | undefined): B {
    if (scope === undefined) return this.global;
    let book = this.scopes.get(scope);
    if (!book) {
      book = this.newBook();
      this.scopes.set(scope, book);
    }
    return book;
  }
}

export class MemoryFaults extends MemoryBooks<FaultSpec, Fault, FaultBook> implements FaultStore {
  constructor(nextId: IdSequence) {
    super(() => new FaultBook(), 'fault', nextId);
  }

  take(namespace: string, facts: RequestFacts, phase: FaultPhase, sample: () => number): Fault | undefined {
    return this.scopes.get(namespace)?.take(facts, phase, sample) ?? this.global.take(facts, phase, sample);
  }
}

export class MemoryStubs extends MemoryBooks<StubSpec, Stub, StubBook> implements StubStore {
  constructor(nextId: IdSequence) {
    super(() => new StubBook(), 'stub', nextId);
  }

  take(namespace: string, api: string, imageSha256: string): Stub | undefined {
    return this.scopes.get(namespace)?.take(api, imageSha256) ?? this.global.take(api, imageSha256);
  }
}

export interface MockStores {
  journal: JournalStore;
  faults: FaultStore;
  stubs: StubStore;
}

export function memoryMockStores(options: { journalMaxEntries: number }): MockStores {
  let lastId = 0;
  const nextId = () => ++lastId;
  return { journal: new Journal(options.journalMaxEntries), faults: new MemoryFaults(nextId), stubs: new MemoryStubs(nextId) };
}

export class MockState implements MockStores {
  readonly journal: JournalStore;
  readonly faults: FaultStore;
  readonly stubs: StubStore;

  constructor(stores: MockStores) {
    ({ journal: this.journal, faults: this.faults, stubs: this.stubs } = stores);
  }

  /** One namespace: its journal entries, faults and stubs; other namespaces keep theirs. No namespace: everything. */
  reset(namespace?: string): MaybePromise<void> {
    return waitForAll([this.journal.clear(namespace), this.faults.reset(namespace), this.stubs.reset(namespace)]);
  }
}
