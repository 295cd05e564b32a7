/**
 * Keeps web pages away from the admin API. With no admin token (the default), anything that can send a request to
 * the port can reset the mock or change its identities; a browser can be made to send one by any page it opens:
 *   - cross-site: a form or `fetch(…, {mode: 'no-cors'})` posts with `Origin: http://evil.example`, and
 *     `text/plain` (or no) content type, which needs no CORS preflight;
 *   - DNS rebinding: a name the attacker controls is re-pointed at 127.0.0.1, so the page is "same-origin" with the
 *     mock, and the request arrives with `Host: evil.example`.
 * So an admin call is refused when its `Origin` is another site's, its `Host` is a dotted name not listed, or it
 * carries a body (or content type) that is not JSON. Test code (Node's fetch, the AdminClient, curl) sends no
 * `Origin`, a `Host` of `localhost`, an IP address or a Docker service name, and JSON: it never notices.
 * Pure: takes the headers, returns the refusal or undefined.
 */
import ipaddr from 'ipaddr.js';
import { AdminError } from './admin-errors.js';

export interface AdminGuardOptions {
  /** Dotted host names also allowed (`*`: any). */
  allowedHosts: readonly string[];
  /** Origins (`scheme://host[:port]`) also allowed (`*`: any). */
  allowedOrigins: readonly string[];
}

export interface AdminRequestHeaders {
  host?: string | undefined;
  origin?: string | undefined;
  'sec-fetch-site'?: string | undefined;
  'content-type'?: string | undefined;
  'content-length'?: string | undefined;
  'transfer-encoding'?: string | undefined;
}

const HOW_TO_OPEN = 'see OCR_MOCK_ADMIN_ALLOWED_HOSTS and OCR_MOCK_ADMIN_ALLOWED_ORIGINS';

/** The host name of a `Host` header value, without port or IPv6 brackets, lower-cased. */
function hostName(host: string): string {
  const bracketed = /^\[([^\]]+)\](?::\d*)?$/.exec(host);
  if (bracketed) return (bracketed[1] ?? '').toLowerCase();
  return host.replace(/:\d*$/, '').toLowerCase();
}

/** IP addresses, `localhost`, and names without a dot (Docker and Compose service names) cannot be rebound. */
function hostAllowed(host: string, allowed: readonly string[]): boolean {
  if (allowed.includes('*')) return true;
  const name = hostName(host);
  if (ipaddr.isValid(name) || name === 'localhost' || name.endsWith('.localhost') || !name.includes('.')) return true;
  return allowed.some((entry) => entry.toLowerCase() === name);
}

function originAllowed(origin: string, host: string | undefined, allowed: readonly string[]): boolean {
  if (allowed.includes('*')) return true;
  if (origin === 'null') return false;
  let url: URL;
  try {
    url = new URL(origin);
  } catch {
    return false;
  }
  // Same origin: the page was served by this server (the sandbox page at /_mock/ui).
  if (host !== undefined && url.host.toLowerCase() === host.toLowerCase()) return true;
  return allowed.some((entry) => entry.replace(/\/$/, '').toLowerCase() === url.origin.toLowerCase());
}

function isJson(contentType: string): boolean {
  return /^application\/json\s*(;|$)/i.test(contentType.trim());
}

export function adminRefusal(headers: AdminRequestHeaders, options: AdminGuardOptions): AdminError | undefined {
  const { host, origin } = headers;
  if (host !== undefined && !hostAllowed(host, options.allowedHosts)) {
    return new AdminError('forbidden', `the admin API does not answer to Host "${host}" (DNS rebinding); ${HOW_TO_OPEN}`);
  }
  if (origin !== undefined && !originAllowed(origin, host, options.allowedOrigins)) {
    return new AdminError('forbidden', `the admin API refuses calls from pages of ${origin}; ${HOW_TO_OPEN}`);
  }
  if (origin === undefined && headers['sec-fetch-site'] === 'cross-site' && !options.allowedOrigins.includes('*')) {
    return new AdminError('forbidden', `the admin API refuses cross-site calls; ${HOW_TO_OPEN}`);
  }
  const contentType = headers['content-type'];
  const hasBody = headers['transfer-encoding'] !== undefined || (headers['content-length'] !== undefined && headers['content-length'] !== '0');
  if (contentType !== undefined ? !isJson(contentType) : hasBody) {
    return new AdminError('unsupported-media-type', `send admin bodies as application/json, not ${contentType ?? 'without a Content-Type'}`);
  }
  return undefined;
}
