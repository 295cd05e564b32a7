/**
 * AK/SK request signatures (`SDK-HMAC-SHA256`), verified the way the vendor's own signer computes them
 * (`@huaweicloud/huaweicloud-sdk-core`, `auth/AKSKSigner.js`), so a request that SDK signs verifies here.
 *
 * Pure: plain data in, plain data out. No I/O, no clock (callers pass `now`), no fastify.
 * The HTTP layer must hand over the request exactly as received; see `ReceivedRequest` and docs/signing.md.
 */
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import { unescape as unescapeQueryComponent } from 'node:querystring';

export const SIGNING_ALGORITHM = 'SDK-HMAC-SHA256';
/** The `X-Sdk-Content-Sha256` value that makes the body's hash line this literal instead of a hash. */
export const UNSIGNED_PAYLOAD = 'UNSIGNED-PAYLOAD';
/** How far `X-Sdk-Date` may be from the server's clock, either way (inferred: 15 minutes). */
export const DEFAULT_MAX_SKEW_MS = 15 * 60_000;

/** The gateway's APIG.0301 reasons for AK/SK failures, verbatim from its FAQ. */
export const AKSK_REASONS = {
  signatureFail: 'verify aksk signature fail',
  unknownAccessKey: 'Get secretKey failed',
  locked: 'AK access failed to reach the limit,forbidden',
} as const;

/** What `verifySignature` can answer. */
export type SignatureFailureReason = typeof AKSK_REASONS.signatureFail | typeof AKSK_REASONS.unknownAccessKey;
/** What `verifySignatureWithLockout` can answer: the above, or the lockout. */
export type AkskFailureReason = SignatureFailureReason | typeof AKSK_REASONS.locked;

/** Header values as Node's `IncomingMessage.headers` holds them. */
export type HeaderValue = string | readonly string[] | undefined;

/**
 * A request exactly as it arrived, before any parsing that could change bytes.
 * - `method`: the request-line method, e.g. `POST`.
 * - `path`: the request-target's path, still percent-encoded as on the wire, without the query (`/v2/…/ocr/passport`).
 * - `query`: the raw query string after `?`, without the `?`; `''` when there is none.
 * - `headers`: lower-cased names → values as received (Node's `request.headers` as is).
 * - `body`: the raw body bytes; empty when there is no body.
 */
export interface ReceivedRequest {
  method: string;
  path: string;
  query: string;
  headers: Readonly<Record<string, HeaderValue>>;
  body: Uint8Array;
}

export interface CanonicalRequestInput extends ReceivedRequest {
  /** Lower-case header names, in the order the `SignedHeaders` list gives them. */
  signedHeaders: readonly string[];
}

export interface ParsedAuthorization {
  access: string;
  signedHeaders: string[];
  signature: string;
}

export type VerifyResult =
  | { ok: true; access: string }
  | {
      ok: false;
      reason: SignatureFailureReason;
      /** The AK the request named, when its Authorization header could be parsed. */
      access?: string;
      /** Why, in words, for logs and debug headers only: the client-facing message is `reason`. */
      detail: string;
      /** What the server signed, for comparison with the client's own; present once Authorization parsed. */
      canonicalRequest?: string;
      stringToSign?: string;
    };

export type LockoutVerifyResult = { ok: true; access: string } | (Omit<Extract<VerifyResult, { ok: false }>, 'reason'> & { ok: false; reason: AkskFailureReason });

export interface VerifyOptions {
  request: ReceivedRequest;
  /** The secret key of an access key, or undefined when the AK is unknown. */
  lookupSecret: (access: string) => string | undefined;
  /** The server's time, ms since the epoch. */
  now: number;
  maxSkewMs: number;
  /**
   * Stop after the checks that need no body (shape, AK, date, signed headers present), answering ok when they pass:
   * the gateway runs these before reading a body. Failures then carry no canonical request (it needs the body).
   */
  headersOnly?: boolean;
}

// The exact shape the vendor signer writes: one space after the algorithm, ", " between the three parts.
const AUTHORIZATION_SHAPE = /^SDK-HMAC-SHA256 Access=([^\s,]+), SignedHeaders=([^\s,]+), Signature=([^\s,]+)$/;
// An HTTP token in lower case: the vendor signer lower-cases every name it lists.
const SIGNED_HEADER_NAME = /^[a-z0-9!#$%&'*+.^_`|~-]+$/;
const SDK_DATE_SHAPE = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/;
// RFC 3986 unreserved characters: the only ones the vendor's urlEncode leaves as they are.
const UNRESERVED_ONLY = /^[A-Za-z0-9\-._~]*$/;
const IS_UNRESERVED_BYTE = Array.from({ length: 256 }, (_, byte) => UNRESERVED_ONLY.test(String.fromCharCode(byte)) && byte < 0x80);

/** Parses `SDK-HMAC-SHA256 Access=…, SignedHeaders=a;b, Signature=…`; anything else gives null. */
export function parseAuthorization(header: string): ParsedAuthorization | null {
  const match = AUTHORIZATION_SHAPE.exec(header);
  if (!match) return null;
  const [, access = '', signedList = '', signature = ''] = match;
  const signedHeaders = signedList.split(';');
  if (!signedHeaders.every((name) => SIGNED_HEADER_NAME.test(name))) return null;
  return { access, signedHeaders, signature };
}

/** `20261125T101500Z` → ms since the epoch; null unless it is exactly that shape and a real UTC instant. */
export function parseSdkDate(value: string): number | null {
  const match = SDK_DATE_SHAPE.exec(value);
  if (!match) return null;
  const [year, month, day, hour, minute, second] = match.slice(1).map(Number) as [number, number, number, number, number, number];
  const epochMs = Date.UTC(year, month - 1, day, hour, minute, second);
  const date = new Date(epochMs);
  // Date.UTC rolls 31 April over to 1 May; the round trip rejects such dates and out-of-range fields.
  const roundTrips =
    date.getUTCFullYear() === year &&
    date.getUTCMonth() === month - 1 &&
    date.getUTCDate() === day &&
    date.getUTCHours() === hour &&
    date.getUTCMinutes() === minute &&
    date.getUTCSeconds() === second;
  return roundTrips ? epochMs : null;
}

/** Splits a request-target (`request.raw.url`) into the raw path and raw query, both still encoded. */
export function splitRequestTarget(target: string): { path: string; query: string } {
  // Absolute-form (`http://host/path`), sent to proxies, carries the path after the authority.
  const originForm = target.replace(/^[a-zA-Z][a-zA-Z0-9+.-]*:\/\/[^/?#]*/, '');
  const withoutFragment = originForm.split('#', 1)[0] ?? '';
  const mark = withoutFragment.indexOf('?');
  if (mark === -1) return { path: withoutFragment || '/', query: '' };
  return { path: withoutFragment.slice(0, mark) || '/', query: withoutFragment.slice(mark + 1) };
}

/** The vendor's urlEncode: UTF-8 bytes, unreserved characters kept, everything else `%XX` in upper case. */
export function uriEncode(text: string): string {
  if (UNRESERVED_ONLY.test(text)) return text;
  let encoded = '';
  for (const byte of Buffer.from(text, 'utf8')) {
    encoded += IS_UNRESERVED_BYTE[byte] ? String.fromCharCode(byte) : `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return encoded;
}

/**
 * Each `/`-separated segment of the raw path encoded, with a `/` always at the end.
 * The segments are not decoded first: the vendor signer encodes the URL's path as it is written,
 * so a `%20` already in the path becomes `%2520`.
 */
export function canonicalUri(rawPath: string): string {
  const encoded = rawPath.split('/').map(uriEncode).join('/');
  return encoded.endsWith('/') ? encoded : `${encoded}/`;
}

/**
 * The raw query string decoded (`+` is a space, `%XX` per UTF-8), sorted by name then value in
 * code-unit order, and re-encoded as `name=value` pairs joined by `&`; a bare `name` becomes `name=`.
 * Decoding first makes the result independent of how the client escaped it on the wire.
 */
export function canonicalQueryString(rawQuery: string): string {
  const pairs: [string, string][] = [];
  for (const part of rawQuery.split('&')) {
    if (part === '') continue;
    const equals = part.indexOf('=');
    const rawName = equals === -1 ? part : part.slice(0, equals);
    const rawValue = equals === -1 ? '' : part.slice(equals + 1);
    pairs.push([decodeQueryComponent(rawName), decodeQueryComponent(rawValue)]);
  }
  pairs.sort(([nameA, valueA], [nameB, valueB]) => compareCodeUnits(nameA, nameB) || compareCodeUnits(valueA, valueB));
  return pairs.map(([name, value]) => `${uriEncode(name)}=${uriEncode(value)}`).join('&');
}

/**
 * The canonical request: method, canonical URI, canonical query, canonical headers (each `name:value\n`),
 * the signed-header list, and the body's hex SHA-256 (or the `X-Sdk-Content-Sha256` value), joined by `\n`.
 * A signed header that is absent contributes an empty value; `verifySignature` refuses such requests first.
 */
export function canonicalRequest(input: CanonicalRequestInput): string {
  const canonicalHeaders = input.signedHeaders.map((name) => `${name}:${headerValue(input.headers, name) ?? ''}\n`).join('');
  return [input.method, canonicalUri(input.path), canonicalQueryString(input.query), canonicalHeaders, input.signedHeaders.join(';'), payloadHash(input.headers, input.body)].join(
    '\n',
  );
}

export function stringToSign(sdkDate: string, canonical: string): string {
  return [SIGNING_ALGORITHM, sdkDate, sha256Hex(canonical)].join('\n');
}

/** hex(HMAC-SHA256(secretKey, stringToSign)), the secret key taken as UTF-8 like the vendor's. */
export function sign(secretKey: string, toSign: string): string {
  return createHmac('sha256', secretKey).update(toSign, 'utf8').digest('hex');
}

/**
 * Verifies an AK/SK-signed request. Checks, in order, stopping at the first failure:
 * Authorization shape, the AK is known, X-Sdk-Date present / well-formed / within `maxSkewMs`,
 * every signed header present, an explicit body hash matching the body, then the signature (constant time).
 */
export function verifySignature(options: VerifyOptions): VerifyResult {
  const { request, lookupSecret, now, maxSkewMs } = options;
  const authorization = headerValue(request.headers, 'authorization');
  if (authorization === undefined) {
    return { ok: false, reason: AKSK_REASONS.signatureFail, detail: 'no Authorization header' };
  }
  const parsed = parseAuthorization(authorization);
  if (!parsed) {
    return {
      ok: false,
      reason: AKSK_REASONS.signatureFail,
      detail: 'Authorization is not "SDK-HMAC-SHA256 Access=<AK>, SignedHeaders=<a;b;…>, Signature=<hex>"',
    };
  }

  const { access, signedHeaders, signature } = parsed;
  const canonical = options.headersOnly ? undefined : canonicalRequest({ ...request, signedHeaders });
  const sdkDate = headerValue(request.headers, 'x-sdk-date');
  const toSign = sdkDate === undefined || canonical === undefined ? undefined : stringToSign(sdkDate, canonical);
  const fail = (reason: SignatureFailureReason, detail: string): VerifyResult => ({
    ok: false,
    reason,
    access,
    detail,
    ...(canonical === undefined ? {} : { canonicalRequest: canonical }),
    ...(toSign === undefined ? {} : { stringToSign: toSign }),
  });

  const secretKey = lookupSecret(access);
  if (secretKey === undefined) return fail(AKSK_REASONS.unknownAccessKey, `unknown access key ${access}`);

  if (sdkDate === undefined) return fail(AKSK_REASONS.signatureFail, 'no X-Sdk-Date header');
  const signedAt = parseSdkDate(sdkDate);
  if (signedAt === null) return fail(AKSK_REASONS.signatureFail, `X-Sdk-Date "${sdkDate}" is not YYYYMMDDTHHMMSSZ`);
  if (Math.abs(now - signedAt) > maxSkewMs) {
    const offSeconds = Math.round((signedAt - now) / 1000);
    return fail(
      AKSK_REASONS.signatureFail,
      `X-Sdk-Date ${sdkDate} is ${Math.abs(offSeconds)} s ${offSeconds < 0 ? 'behind' : 'ahead of'} the server's clock ` +
        `(${new Date(now).toISOString()}); at most ${maxSkewMs / 1000} s allowed`,
    );
  }

  const missing = signedHeaders.filter((name) => headerValue(request.headers, name) === undefined);
  if (missing.length > 0) return fail(AKSK_REASONS.signatureFail, `signed header(s) absent: ${missing.join(', ')}`);
  if (canonical === undefined) return { ok: true, access };

  // The vendor signer copies X-Sdk-Content-Sha256 into the hash line unchecked; a stated hash must still
  // match the body, or anyone could replace the body and state the old hash.
  const statedHash = headerValue(request.headers, 'x-sdk-content-sha256');
  if (statedHash !== undefined && statedHash !== UNSIGNED_PAYLOAD && statedHash.toLowerCase() !== sha256Hex(request.body)) {
    return fail(AKSK_REASONS.signatureFail, "X-Sdk-Content-Sha256 is neither UNSIGNED-PAYLOAD nor the body's SHA-256");
  }

  const expected = sign(secretKey, toSign as string);
  if (!signaturesMatch(signature, expected)) {
    return fail(AKSK_REASONS.signatureFail, "signature does not match; compare canonicalRequest with the client's");
  }
  return { ok: true, access };
}

/**
 * `verifySignature` behind an `AkLockout`: a locked AK is refused before any check, even when correctly
 * signed; a signature failure of a known AK counts towards its lock; a success clears its count.
 * Unknown AKs are not counted: there is no key pair to lock, and the tracker stays bounded by the configured AKs.
 */
export function verifySignatureWithLockout(options: VerifyOptions & { lockout: AkLockoutTable }): LockoutVerifyResult {
  const { lockout, now } = options;
  const authorization = headerValue(options.request.headers, 'authorization');
  const access = authorization === undefined ? undefined : parseAuthorization(authorization)?.access;
  if (access !== undefined && lockout.isLocked(access, now)) {
    return { ok: false, reason: AKSK_REASONS.locked, access, detail: `access key ${access} is locked after repeated failures` };
  }
  const result = verifySignature(options);
  // Passing the body-free checks proves nothing yet: only a verified signature ends a run of failures.
  if (result.ok && !options.headersOnly) lockout.recordSuccess(result.access);
  else if (result.ok) return result;
  else if (result.reason === AKSK_REASONS.signatureFail && result.access !== undefined) {
    lockout.recordFailure(result.access, now);
  }
  return result;
}

/** What `verifySignatureWithLockout` needs of a lockout: an `AkLockout`, or several combined. */
export interface AkLockoutTable {
  isLocked(access: string, now: number): boolean;
  recordFailure(access: string, now: number): unknown;
  recordSuccess(access: string): void;
}

/**
 * A server-wide bound on one AK's signature failures, whatever namespace they came from: `maxFailures` within a
 * fixed window of `windowMs` lock the AK for `lockMs`. Successes do not reset it (they may be another client's),
 * so it counts failures per window rather than consecutive ones. Keeps rotating `X-Mock-Namespace` from bypassing
 * the lockout, while a namespace's own five-failure lock stays the namespace's.
 */
export class AkFailureBudget {
  private readonly entries = new Map<string, { start: number; failures: number; lockedUntil: number | null }>();

  constructor(private readonly options: { maxFailures: number; windowMs: number; lockMs: number }) {}

  isLocked(access: string, now: number): boolean {
    const entry = this.entries.get(access);
    return entry?.lockedUntil != null && now < entry.lockedUntil;
  }

  recordFailure(access: string, now: number): void {
    let entry = this.entries.get(access);
    if (entry?.lockedUntil != null && now < entry.lockedUntil) return;
    if (!entry || entry.lockedUntil != null || now >= entry.start + this.options.windowMs || now < entry.start) {
      entry = { start: now, failures: 0, lockedUntil: null };
      this.entries.set(access, entry);
    }
    entry.failures += 1;
    if (entry.failures >= this.options.maxFailures) entry.lockedUntil = now + this.options.lockMs;
  }

  recordSuccess(): void {}

  reset(): void {
    this.entries.clear();
  }
}

/** Both tables: locked when either is; failures counted in both; successes end only the namespace's run. */
export function combineLockouts(namespace: AkLockout, server: AkFailureBudget): AkLockoutTable {
  return {
    isLocked: (access, now) => namespace.isLocked(access, now) || server.isLocked(access, now),
    recordFailure: (access, now) => {
      server.recordFailure(access, now);
      return namespace.recordFailure(access, now);
    },
    recordSuccess: (access) => namespace.recordSuccess(access),
  };
}

export interface AkLockoutOptions {
  /** Consecutive failures that lock an AK: the failure that reaches this count locks it. */
  maxFailures: number;
  /** How long a lock lasts, from the locking failure. */
  lockMs: number;
  /** Most AKs tracked at once; beyond it the least recently failed is forgotten. */
  maxTrackedKeys?: number;
}

export interface AkLockoutStatus {
  failures: number;
  /** Ms since the epoch when the lock ends, or null when not locked. */
  lockedUntil: number | null;
}

/**
 * Counts consecutive AK/SK failures per AK and locks an AK for `lockMs` once `maxFailures` is reached.
 * Clock-injected: every method that depends on time takes `now`. A lock is not extended by requests
 * refused while it lasts, and once it ends the AK starts again from zero failures.
 */
export class AkLockout {
  private readonly entries = new Map<string, AkLockoutStatus>();
  private readonly maxFailures: number;
  private readonly lockMs: number;
  private readonly maxTrackedKeys: number;

  constructor(options: AkLockoutOptions) {
    const { maxFailures, lockMs, maxTrackedKeys = 10_000 } = options;
    if (!Number.isInteger(maxFailures) || maxFailures < 1) throw new RangeError('maxFailures must be a positive integer');
    if (!Number.isFinite(lockMs) || lockMs < 0) throw new RangeError('lockMs must be a non-negative number');
    if (!Number.isInteger(maxTrackedKeys) || maxTrackedKeys < 1) throw new RangeError('maxTrackedKeys must be a positive integer');
    this.maxFailures = maxFailures;
    this.lockMs = lockMs;
    this.maxTrackedKeys = maxTrackedKeys;
  }

  isLocked(access: string, now: number): boolean {
    return this.status(access, now).lockedUntil !== null;
  }

  /** The AK's current count and lock; an ended lock reads (and is stored) as a fresh start. */
  status(access: string, now: number): AkLockoutStatus {
    const entry = this.entries.get(access);
    if (!entry) return { failures: 0, lockedUntil: null };
    if (entry.lockedUntil !== null && now >= entry.lockedUntil) {
      this.entries.delete(access);
      return { failures: 0, lockedUntil: null };
    }
    return { ...entry };
  }

  /** Counts one failure and returns the resulting status; a failure while locked changes nothing. */
  recordFailure(access: string, now: number): AkLockoutStatus {
    const current = this.status(access, now);
    if (current.lockedUntil !== null) return current;
    const failures = current.failures + 1;
    const next: AkLockoutStatus = { failures, lockedUntil: failures >= this.maxFailures ? now + this.lockMs : null };
    // Re-inserting keeps the Map in least-recently-failed order, so the first key is the one to evict.
    this.entries.delete(access);
    if (this.entries.size >= this.maxTrackedKeys) {
      const oldest = this.entries.keys().next();
      if (!oldest.done) this.entries.delete(oldest.value);
    }
    this.entries.set(access, next);
    return { ...next };
  }

  /** A verified request ends the run of consecutive failures. */
  recordSuccess(access: string): void {
    this.entries.delete(access);
  }

  reset(): void {
    this.entries.clear();
  }
}

/** A header's value with surrounding spaces and tabs trimmed; repeated headers joined by `,`. */
function headerValue(headers: Readonly<Record<string, HeaderValue>>, name: string): string | undefined {
  // Names come from the client's SignedHeaders: never read inherited properties such as `constructor`.
  if (!Object.hasOwn(headers, name)) return undefined;
  const raw = headers[name];
  if (raw === undefined) return undefined;
  const joined = typeof raw === 'string' ? raw : raw.join(',');
  return joined.replace(/^[ \t]+|[ \t]+$/g, '');
}

function payloadHash(headers: Readonly<Record<string, HeaderValue>>, body: Uint8Array): string {
  return headerValue(headers, 'x-sdk-content-sha256') ?? sha256Hex(body);
}

function sha256Hex(data: string | Uint8Array): string {
  return createHash('sha256').update(data).digest('hex');
}

function decodeQueryComponent(raw: string): string {
  // querystring's unescape never throws: malformed %-sequences are kept as they are.
  return unescapeQueryComponent(raw.replace(/\+/g, ' '));
}

function compareCodeUnits(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function signaturesMatch(given: string, expected: string): boolean {
  const givenBytes = Buffer.from(given, 'utf8');
  const expectedBytes = Buffer.from(expected, 'utf8');
  // timingSafeEqual needs equal lengths; a length mismatch reveals nothing about the expected value.
  return givenBytes.length === expectedBytes.length && timingSafeEqual(givenBytes, expectedBytes);
}
