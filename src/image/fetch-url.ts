/**
 * Fetches the image behind a request's `url` field, as the cloud does, without becoming an SSRF hole:
 * every hop's URL is checked, its host resolved here and every address checked, and the connection made to
 * the checked address (so a second DNS answer cannot swap in another), with the original Host header and SNI.
 * Redirects are followed by hand so each hop is checked; the byte cap is enforced while streaming.
 */
import { lookup as dnsLookup } from 'node:dns/promises';
import http, { type IncomingMessage } from 'node:http';
import https from 'node:https';
import { isIP, type LookupFunction } from 'node:net';
import { ApiError } from '../errors/catalogue.js';
import { MAX_IMAGE_BYTES } from './intake.js';
import { checkUrl, compilePolicy, hostOf, isAddressAllowed, isHostAllowlisted, type AddressPolicy } from './url-policy.js';

export interface ResolvedAddress {
  address: string;
  family: 4 | 6;
}

export type Resolver = (hostname: string) => Promise<ResolvedAddress[]>;

export interface UrlFetchOptions extends AddressPolicy {
  /** Whole fetch, redirects and body included. */
  timeoutMs: number;
  maxRedirects: number;
  /** Defaults to the 10 MB image limit. */
  maxBytes?: number;
  /** DNS resolution; injectable so tests can point a name at any address without a DNS server. */
  resolve?: Resolver;
}

const REDIRECTS = new Set([301, 302, 303, 307, 308]);

const systemResolver: Resolver = async (hostname) => {
  const answers = await dnsLookup(hostname, { all: true, verbatim: true });
  return answers.map(({ address, family }) => ({ address, family: family === 6 ? 6 : 4 }));
};

/** A lookup that answers only the address already checked, whatever `net` asks for. */
function pinnedLookup({ address, family }: ResolvedAddress): LookupFunction {
  return (_hostname, options, callback) => {
    if (options?.all) callback(null, [{ address, family }]);
    else callback(null, address, family);
  };
}

function failed(cause: unknown): ApiError {
  const error = ApiError.of('ModelArts.4603');
  error.cause = cause;
  return error;
}

function refused(cause: string): ApiError {
  const error = ApiError.of('ModelArts.4601');
  error.cause = cause;
  return error;
}

function withAbort<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}

export function urlFetcher(options: UrlFetchOptions): (url: string) => Promise<Buffer> {
  const policy = compilePolicy(options);
  const resolve = options.resolve ?? systemResolver;
  const maxBytes = options.maxBytes ?? MAX_IMAGE_BYTES;

  /** The address to connect to, after every address the host resolves to has been checked. */
  async function target(url: URL, signal: AbortSignal): Promise<ResolvedAddress> {
    const host = hostOf(url);
    const literal = isIP(host);
    const allowlisted = isHostAllowlisted(policy, host);
    let addresses: ResolvedAddress[];
    if (literal) {
      addresses = [{ address: host, family: literal === 6 ? 6 : 4 }];
    } else {
      try {
        addresses = await withAbort(resolve(host), signal);
      } catch (error) {
        throw failed(error);
      }
      if (addresses.length === 0) throw failed(new Error(`${host} has no address`));
    }
    // One refused address refuses the host: a name that resolves partly inside the network is not trusted.
    const bad = addresses.find((a) => !allowlisted && !isAddressAllowed(policy, a.address));
    if (bad) throw refused(`${host} resolves to ${bad.address}, which is not allowed`);
    return addresses[0] as ResolvedAddress;
  }

  function get(url: URL, address: ResolvedAddress, signal: AbortSignal): Promise<IncomingMessage> {
    const client = url.protocol === 'https:' ? https : http;
    const host = hostOf(url);
    return new Promise((resolve, reject) => {
      const request = client.request(
        {
          method: 'GET',
          protocol: url.protocol,
          hostname: host,
          port: url.port || undefined,
          path: `${url.pathname}${url.search}`,
          headers: { host: url.host, accept: '*/*', 'accept-encoding': 'identity', 'user-agent': 'ocr-mock' },
          lookup: pinnedLookup(address),
          // SNI takes a name, never an address.
          ...(url.protocol === 'https:' && !isIP(host) ? { servername: host } : {}),
          agent: false,
          signal,
        },
        resolve,
      );
      request.on('error', reject);
      request.end();
    });
  }

  async function readCapped(response: IncomingMessage): Promise<Buffer> {
    const declared = Number(response.headers['content-length']);
    if (Number.isFinite(declared) && declared > maxBytes) {
      response.destroy();
      throw ApiError.of('AIS.0103');
    }
    const chunks: Buffer[] = [];
    let total = 0;
    for await (const chunk of response as AsyncIterable<Buffer>) {
      total += chunk.length;
      if (total > maxBytes) {
        response.destroy();
        throw ApiError.of('AIS.0103');
      }
      chunks.push(chunk);
    }
    return Buffer.concat(chunks, total);
  }

  return async function fetchImage(raw: string): Promise<Buffer> {
    if (raw.trim() === '') throw ApiError.of('AIS.0101');
    let url = checkUrl(raw);
    const abort = new AbortController();
    const timer = setTimeout(() => abort.abort(new Error(`no image within ${options.timeoutMs} ms`)), options.timeoutMs);
    try {
      for (let hop = 0; ; hop += 1) {
        const address = await target(url, abort.signal);
        let response: IncomingMessage;
        try {
          response = await get(url, address, abort.signal);
        } catch (error) {
          throw failed(error);
        }
        const status = response.statusCode ?? 0;
        const location = response.headers.location;
        if (REDIRECTS.has(status) && location) {
          response.resume();
          if (hop >= options.maxRedirects) throw failed(new Error(`more than ${options.maxRedirects} redirects`));
          url = checkUrl(location, url);
          continue;
        }
        if (status < 200 || status > 299) {
          response.resume();
          throw failed(new Error(`HTTP ${status} from ${url.host}`));
        }
        try {
          return await readCapped(response);
        } catch (error) {
          throw error instanceof ApiError ? error : failed(error);
        }
      }
    } finally {
      clearTimeout(timer);
      abort.abort();
    }
  };
}
