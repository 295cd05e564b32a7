/**
 * Signed, self-contained tokens: `MII` + base64(JSON claims) + `.` + base64(HMAC-SHA256).
 * Real IAM tokens are long base64 strings starting `MII`; ours look alike, need no shared state between
 * replicas, and any change to the claims breaks the signature.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { ApiError } from '../errors/catalogue.js';

export interface TokenClaims {
  /** Token id. */
  jti: string;
  userId: string;
  user: string;
  domainId: string;
  domain: string;
  projectId: string;
  projectName: string;
  /** Issue and expiry, ms since the epoch. */
  iat: number;
  exp: number;
}

const PREFIX = 'MII';
const TOKEN_SHAPE = /^MII[A-Za-z0-9+/]+={0,2}\.[A-Za-z0-9+/]+={0,2}$/;
const CLAIM_KEYS: (keyof TokenClaims)[] = ['jti', 'userId', 'user', 'domainId', 'domain', 'projectId', 'projectName', 'iat', 'exp'];

function mac(secret: string, payload: string): Buffer {
  return createHmac('sha256', secret).update(payload).digest();
}

export function issueToken(claims: TokenClaims, secret: string): string {
  const payload = PREFIX + Buffer.from(JSON.stringify(claims)).toString('base64');
  return `${payload}.${mac(secret, payload).toString('base64')}`;
}

/**
 * Why a token was refused. Which vendor code answers each depends on the error family (TOKEN_ERRORS below).
 */
export type TokenFailure = 'missing' | 'malformed' | 'unparseable' | 'forged';

/**
 * Who answers a bad token, and so with which codes:
 * - `apig` (the default): the API gateway in front of OCR, which authenticates every call before the ModelArts
 *   backend sees it. Its answer is `APIG.0301` with the reasons of the vendor's OCR FAQ ("How Do I Handle the Error
 *   APIG.0301?") and the ae-ad-1 gateway FAQ: `x-auth-token not found` for a missing header and `decrypt token fail`
 *   for a token that cannot be read or verified.
 * - `modelarts`: the backend platform's own token check, `ModelArts.4101`–`4103` and `ModelArts.0203` of the API
 *   reference's error table, for a client that meets those codes. `X-Mock-Scenario: token-errors=modelarts` or the
 *   `tokenErrors` setting selects it.
 * An expired token is `APIG.0301 token expires, expires_at: …` in both.
 */
export const TOKEN_ERROR_FAMILIES = ['apig', 'modelarts'] as const;
export type TokenErrorFamily = (typeof TOKEN_ERROR_FAMILIES)[number];

export const TOKEN_ERRORS: Record<TokenErrorFamily, Record<TokenFailure, () => ApiError>> = {
  apig: {
    missing: () => ApiError.iam('x-auth-token not found'),
    malformed: () => ApiError.iam('decrypt token fail'),
    unparseable: () => ApiError.iam('decrypt token fail'),
    forged: () => ApiError.iam('decrypt token fail'),
  },
  modelarts: {
    missing: () => ApiError.of('ModelArts.4101'),
    malformed: () => ApiError.of('ModelArts.4103'),
    unparseable: () => ApiError.of('ModelArts.4102'),
    forged: () => ApiError.of('ModelArts.0203'),
  },
};

class Refused extends Error {
  constructor(readonly failure: TokenFailure) {
    super(failure);
  }
}

function parseClaims(encoded: string): TokenClaims {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(encoded, 'base64').toString('utf8'));
  } catch {
    throw new Refused('unparseable');
  }
  if (typeof parsed !== 'object' || parsed === null) throw new Refused('unparseable');
  const claims = parsed as Record<string, unknown>;
  for (const key of CLAIM_KEYS) {
    const expected = key === 'iat' || key === 'exp' ? 'number' : 'string';
    if (typeof claims[key] !== expected) throw new Refused('unparseable');
  }
  return claims as unknown as TokenClaims;
}

function readToken(header: string | undefined, secret: string): TokenClaims {
  const token = header?.trim();
  if (!token) throw new Refused('missing');
  if (!TOKEN_SHAPE.test(token)) throw new Refused('malformed');
  const [payload = '', signature = ''] = token.split('.');
  const claims = parseClaims(payload.slice(PREFIX.length));
  const expected = mac(secret, payload);
  const given = Buffer.from(signature, 'base64');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) throw new Refused('forged');
  return claims;
}

/**
 * Checks an `X-Auth-Token` value the way the gateway does, from shape to signature to expiry;
 * each failure throws its vendor code in the given family.
 */
export function verifyToken(header: string | undefined, secret: string, now: number, family: TokenErrorFamily = 'apig'): TokenClaims {
  let claims: TokenClaims;
  try {
    claims = readToken(header, secret);
  } catch (error) {
    if (error instanceof Refused) throw TOKEN_ERRORS[family][error.failure]();
    throw error;
  }
  if (now >= claims.exp) {
    throw ApiError.iam(`token expires, expires_at: ${new Date(claims.exp).toISOString()}`);
  }
  return claims;
}
