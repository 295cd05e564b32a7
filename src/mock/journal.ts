/**
 * The request journal: what the gateway received and answered, for tests to assert on. Bounded (the oldest entries
 * go first) and holding no secrets: never a token, a signature or image bytes, only the image's SHA-256.
 */
import type { MaybePromise } from '../store/store.js';

export type AuthMethod = 'token' | 'aksk';

export interface JournalEntry {
  /** The request's `X-Request-Id`. */
  requestId: string;
  /** When the request arrived, ISO-8601 on the server's clock. */
  time: string;
  method: string;
  /** The path, without the query string. */
  path: string;
  namespace: string;
  /** The path's project id, when it has one. */
  project: string | null;
  /** The OCR API's path segment (`passport`, …), `iam` for token requests, null for unknown paths. */
  api: string | null;
  /** How the caller was authenticated; null when it was not (yet). */
  authMethod: AuthMethod | null;
  /** The status answered; null when the connection was dropped. */
  status: number | null;
  /** `error_code` of a vendor error envelope; null on success and for IAM errors (which have no code). */
  errorCode: string | null;
  /** From arrival to answer, in milliseconds on the server's clock (0 throughout on a manual clock). */
  latencyMs: number;
  /** Hex SHA-256 of the decoded image, once it was read. */
  imageSha256: string | null;
  /** What forced the outcome: `scenario` (the X-Mock-Scenario header), a fault id or a stub id; null when nothing. */
  forcedBy: string | null;
  /** The connection was closed without an answer (a `drop` fault or scenario). */
  dropped: boolean;
}

export interface JournalFilter {
  namespace?: string;
  method?: string;
  path?: string;
  project?: string;
  api?: string;
  authMethod?: AuthMethod;
  status?: number;
  errorCode?: string;
  imageSha256?: string;
  /** Only the most recent `limit` entries that pass the other filters. */
  limit?: number;
}

const EXACT_FIELDS = ['namespace', 'path', 'project', 'api', 'authMethod', 'status', 'errorCode'] as const;

export function passes(entry: JournalEntry, filter: JournalFilter): boolean {
  for (const field of EXACT_FIELDS) {
    if (filter[field] !== undefined && entry[field] !== filter[field]) return false;
  }
  if (filter.method !== undefined && entry.method !== filter.method.toUpperCase()) return false;
  if (filter.imageSha256 !== undefined && entry.imageSha256 !== filter.imageSha256.toLowerCase()) return false;
  return true;
}

/** The journal in memory (`Journal`) or shared by replicas (Redis), in the order requests were answered. */
export interface JournalStore {
  record(entry: JournalEntry): MaybePromise<void>;
  /** Oldest first. */
  list(filter?: JournalFilter): MaybePromise<JournalEntry[]>;
  /** Removes one namespace's entries, or all; returns how many went. */
  clear(namespace?: string): MaybePromise<number>;
}

/** Only the most recent `limit` of the entries that pass the filter, oldest first. */
export function select(entries: JournalEntry[], filter: JournalFilter): JournalEntry[] {
  const kept = entries.filter((entry) => passes(entry, filter));
  return filter.limit !== undefined ? kept.slice(-filter.limit) : kept;
}

export class Journal implements JournalStore {
  private entries: JournalEntry[] = [];

  constructor(private readonly maxEntries: number) {}

  record(entry: JournalEntry): void {
    this.entries.push(entry);
    // Trimmed in batches, so a full journal does not shift the whole array on every request.
    if (this.entries.length > this.maxEntries + Math.ceil(this.maxEntries / 10)) {
      this.entries = this.entries.slice(this.entries.length - this.maxEntries);
    }
  }

  /** Oldest first. */
  list(filter: JournalFilter = {}): JournalEntry[] {
    return select(this.entries.slice(-this.maxEntries), filter).map((entry) => ({ ...entry }));
  }

  /** Removes one namespace's entries, or all; returns how many went. */
  clear(namespace?: string): number {
    this.entries = this.entries.slice(-this.maxEntries);
    const before = this.entries.length;
    this.entries = namespace === undefined ? [] : this.entries.filter((entry) => entry.namespace !== namespace);
    return before - this.entries.length;
  }
}
