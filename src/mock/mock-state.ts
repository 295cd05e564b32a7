/**
 * What only the emulator holds, scoped by namespace: the journal, faults and stubs. No fastify here: the mock's
 * hooks and the admin routes both call into this one object, so what a test sets is what requests see. The
 * gateway's own state (identities, settings, lockouts, windows, slots) is src/gateway/gateway-state.ts.
 *
 * Scopes: each namespace has its own faults and stubs; the global scope (admin calls without a namespace) holds
 * faults and stubs that apply to every namespace after its own.
 */
import { FaultBook, type Fault, type FaultPhase, type FaultSpec, type RequestFacts } from './faults.js';
import { Journal } from './journal.js';
import { StubBook, type Stub, type StubSpec } from './stubs.js';

interface Scope {
  faults: FaultBook;
  stubs: StubBook;
}

/** The admin API's two books, by the name its paths give them. */
export type BookKind = keyof Scope;

const newScope = (): Scope => ({ faults: new FaultBook(), stubs: new StubBook() });

export class MockState {
  readonly journal: Journal;

  private readonly global: Scope = newScope();
  private readonly scopes = new Map<string, Scope>();
  private nextId = 1;

  constructor(options: { journalMaxEntries: number }) {
    this.journal = new Journal(options.journalMaxEntries);
  }

  // ---- faults and stubs; `namespace` undefined means the global scope ----

  addFault(namespace: string | undefined, spec: FaultSpec): Fault {
    return this.scopeOf(namespace).faults.add(spec, `fault-${this.nextId++}`);
  }

  addStub(namespace: string | undefined, spec: StubSpec): Stub {
    return this.scopeOf(namespace).stubs.add(spec, `stub-${this.nextId++}`);
  }

  list(kind: 'faults', namespace: string | undefined): Fault[];
  list(kind: 'stubs', namespace: string | undefined): Stub[];
  list(kind: BookKind, namespace: string | undefined): Fault[] | Stub[] {
    return this.peekScope(namespace)?.[kind].list() ?? [];
  }

  remove(kind: BookKind, namespace: string | undefined, id: string): boolean {
    return this.peekScope(namespace)?.[kind].remove(id) ?? false;
  }

  clear(kind: BookKind, namespace: string | undefined): number {
    return this.peekScope(namespace)?.[kind].clear() ?? 0;
  }

  /** The namespace's own faults first, then the global ones. */
  takeFault(namespace: string, facts: RequestFacts, phase: FaultPhase, sample: () => number): Fault | undefined {
    return this.scopes.get(namespace)?.faults.take(facts, phase, sample) ?? this.global.faults.take(facts, phase, sample);
  }

  takeStub(namespace: string, api: string, imageSha256: string): Stub | undefined {
    return this.scopes.get(namespace)?.stubs.take(api, imageSha256) ?? this.global.stubs.take(api, imageSha256);
  }

  // ---- reset ----

  /** One namespace: its journal entries, faults and stubs; other namespaces keep theirs. No namespace: everything. */
  reset(namespace?: string): void {
    this.journal.clear(namespace);
    if (namespace === undefined) {
      this.scopes.clear();
      this.global.faults.clear();
      this.global.stubs.clear();
      return;
    }
    this.scopes.delete(namespace);
  }

  private scopeOf(namespace: string | undefined): Scope {
    return namespace === undefined ? this.global : this.scope(namespace);
  }

  private peekScope(namespace: string | undefined): Scope | undefined {
    return namespace === undefined ? this.global : this.scopes.get(namespace);
  }

  private scope(namespace: string): Scope {
    let scope = this.scopes.get(namespace);
    if (!scope) {
      scope = newScope();
      this.scopes.set(namespace, scope);
    }
    return scope;
  }
}
