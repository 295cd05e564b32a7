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

function parseClaims(encoded: string): TokenClaims {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(encoded, 'base64').toString('utf8'));
  } catch {
    throw ApiError.of('ModelArts.4102');
  }
  if (typeof parsed !== 'object' || parsed === null) throw ApiError.of('ModelArts.4102');
  const claims = parsed as Record<string, unknown>;
  for (const key of CLAIM_KEYS) {
    const expected = key === 'iat' || key === 'exp' ? 'number' : 'string';
    if (typeof claims[key] !== expected) throw ApiError.of('ModelArts.4102');
  }
  return claims as unknown as TokenClaims;
}

/**
 * Checks an `X-Auth-Token` value the way the gateway does, from shape to signature to expiry;
 * each failure throws its documented vendor code.
 */
export function verifyToken(header: string | undefined, secret: string, now: number): TokenClaims {
  const token = header?.trim();
  if (!token) throw ApiError.of('ModelArts.4101');
  if (!TOKEN_SHAPE.test(token)) throw ApiError.of('ModelArts.4103');
  const [payload = '', signature = ''] = token.split('.');
  const claims = parseClaims(payload.slice(PREFIX.length));
  const expected = mac(secret, payload);
  const given = Buffer.from(signature, 'base64');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) throw ApiError.of('ModelArts.0203');
  if (now >= claims.exp) {
    throw ApiError.iam(`token expires, expires_at: ${new Date(claims.exp).toISOString()}`);
  }
  return claims;
}
