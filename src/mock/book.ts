/** What faults and stubs share: a list of entries with ids and hit counts, kept in the order they were added. */
export interface Entry {
  id: string;
  /** Requests this entry has applied to so far. */
  hits: number;
}

export class Book<Spec, Item extends Spec & Entry> {
  protected items: Item[] = [];

  /** `normalise` puts a spec in its stored form (e.g. a hash in lower case). */
  constructor(private readonly normalise: (spec: Spec) => Spec = (spec) => spec) {}

  add(spec: Spec, id: string): Item {
    const item = { ...structuredClone(this.normalise(spec)), id, hits: 0 } as Item;
    this.items.push(item);
    return structuredClone(item);
  }

  list(): Item[] {
    return this.items.map((item) => structuredClone(item));
  }

  remove(id: string): boolean {
    const before = this.items.length;
    this.items = this.items.filter((item) => item.id !== id);
    return this.items.length !== before;
  }

  clear(): number {
    const count = this.items.length;
    this.items = [];
    return count;
  }
}
