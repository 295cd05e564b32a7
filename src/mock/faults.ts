/**
 * Faults set through the admin API: "the next N requests", or every request matching an API, a project or an image
 * hash, get an outcome (a vendor error, added latency, a dropped connection). Pure bookkeeping: the caller passes the
 * request's facts and a sampler, so tests need neither fastify nor chance.
 */
import type { ErrorCode } from '../errors/catalogue.js';
import { Book, type Entry } from './book.js';
import type { Outcome } from './scenario.js';

export interface FaultMatch {
  /** The API's path segment, e.g. `passport`. */
  api?: string;
  /** The path's project id. */
  project?: string;
  /** Hex SHA-256 of the decoded image bytes; such a fault fires once the image has been read. */
  imageSha256?: string;
}

export interface FaultSpec {
  match?: FaultMatch;
  error?: ErrorCode;
  delayMs?: number;
  /** Up to this many milliseconds more, drawn per request (from the seeded stream when `seed` is set). */
  jitterMs?: number;
  drop?: boolean;
  /** Fire for this many requests, then disappear. Absent: until removed. */
  times?: number;
  /** Chance (0..1) that a matching request is hit; a request that is spared does not count against `times`. */
  probability?: number;
}

/** `hits`: requests this fault has hit so far. */
export interface Fault extends FaultSpec, Entry {}

/** What a request offers for matching: the image hash only once the body has been decoded. */
export interface RequestFacts {
  api: string;
  project: string;
  imageSha256?: string;
}

/** `request`: before the body is looked at (faults without an image hash); `image`: once the image bytes are known. */
export type FaultPhase = 'request' | 'image';

export function matches(fault: FaultSpec, facts: RequestFacts, phase: FaultPhase): boolean {
  const match = fault.match ?? {};
  if ((match.imageSha256 !== undefined) !== (phase === 'image')) return false;
  if (match.api !== undefined && match.api !== facts.api) return false;
  if (match.project !== undefined && match.project !== facts.project) return false;
  if (match.imageSha256 !== undefined && match.imageSha256.toLowerCase() !== facts.imageSha256) return false;
  return true;
}

/** Whether `fault` hits this request: it matches, and its probability (drawn by `sample`, only if it has one) spares it not. */
export function applies(fault: FaultSpec, facts: RequestFacts, phase: FaultPhase, sample: () => number): boolean {
  if (!matches(fault, facts, phase)) return false;
  return fault.probability === undefined || fault.probability >= 1 || sample() < fault.probability;
}

/** The outcome a fault gives one request; `jitter` is a draw in [0, 1). */
export function outcomeOf(fault: FaultSpec, jitter: number): Outcome {
  const outcome: Outcome = {};
  const delay = (fault.delayMs ?? 0) + Math.floor(jitter * (fault.jitterMs ?? 0));
  if (delay > 0) outcome.delayMs = delay;
  if (fault.error !== undefined) outcome.error = fault.error;
  if (fault.drop) outcome.drop = true;
  return outcome;
}

export class FaultBook extends Book<FaultSpec, Fault> {
  /**
   * The first fault, in the order they were added, that matches and is not spared by its probability; its hit is
   * counted and a fault that has used up `times` is removed. `sample` is called only for faults with a probability.
   */
  take(facts: RequestFacts, phase: FaultPhase, sample: () => number): Fault | undefined {
    for (const fault of this.items) {
      if (!applies(fault, facts, phase, sample)) continue;
      fault.hits += 1;
      if (fault.times !== undefined && fault.hits >= fault.times) this.remove(fault.id);
      return { ...fault };
    }
    return undefined;
  }
}
