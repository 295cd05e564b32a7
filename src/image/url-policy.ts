/**
 * Which image URLs the emulator may fetch: pure checks on the URL and on the addresses its host resolves to.
 * Deny by default: only public unicast addresses pass, plus loopback when allowed (so local fixture servers work)
 * and whatever the allowlist opens. Every refusal is ModelArts.4601.
 */
import ipaddr from 'ipaddr.js';
import { ApiError } from '../errors/catalogue.js';

export type AddressClass = 'public' | 'loopback' | 'private' | 'link-local' | 'unique-local' | 'unspecified' | 'multicast' | 'reserved' | 'invalid';

/** ipaddr.js range names → our classes; a range not listed here (6to4, teredo, NAT64, CGNAT, …) is `reserved`. */
const RANGE_CLASSES: Record<string, AddressClass> = {
  unicast: 'public',
  loopback: 'loopback',
  private: 'private',
  linkLocal: 'link-local',
  uniqueLocal: 'unique-local',
  unspecified: 'unspecified',
  multicast: 'multicast',
  broadcast: 'multicast',
};

// IPv4-compatible IPv6 (::a.b.c.d, deprecated). ipaddr.js unwraps the dotted spelling but not `::a00:1`,
// which would otherwise pass as public unicast: classify both by the IPv4 address inside.
const IPV4_COMPATIBLE = ipaddr.parseCIDR('::/96');

function unwrap(address: string): ipaddr.IPv4 | ipaddr.IPv6 {
  const parsed = ipaddr.process(address);
  if (parsed.kind() === 'ipv6' && parsed.range() === 'unicast' && parsed.match(IPV4_COMPATIBLE)) {
    return ipaddr.fromByteArray(parsed.toByteArray().slice(12));
  }
  return parsed;
}

/** Classifies one IP address given as text (v4, v6, v4-mapped or v4-compatible v6). */
export function classifyAddress(address: string): AddressClass {
  if (!ipaddr.isValid(address)) return 'invalid';
  return RANGE_CLASSES[unwrap(address).range()] ?? 'reserved';
}

export interface AddressPolicy {
  allowLoopback: boolean;
  /** Host names (exact, case-insensitive) and IP addresses or CIDR ranges that are allowed whatever their class. */
  allowlist: readonly string[];
}

type Cidr = [ipaddr.IPv4 | ipaddr.IPv6, number];

export interface CompiledPolicy {
  allowLoopback: boolean;
  hosts: ReadonlySet<string>;
  ranges: readonly Cidr[];
}

function normaliseHost(host: string): string {
  return host
    .toLowerCase()
    .replace(/\.$/, '')
    .replace(/^\[|\]$/g, '');
}

export function compilePolicy({ allowLoopback, allowlist }: AddressPolicy): CompiledPolicy {
  const hosts = new Set<string>();
  const ranges: Cidr[] = [];
  for (const entry of allowlist) {
    const text = entry.trim();
    if (ipaddr.isValidCIDR(text)) {
      ranges.push(ipaddr.parseCIDR(text));
    } else if (ipaddr.isValid(text)) {
      const address = ipaddr.process(text);
      ranges.push([address, address.kind() === 'ipv4' ? 32 : 128]);
    } else {
      hosts.add(normaliseHost(text));
    }
  }
  return { allowLoopback, hosts, ranges };
}

export function isHostAllowlisted(policy: CompiledPolicy, hostname: string): boolean {
  return policy.hosts.has(normaliseHost(hostname));
}

/** Whether the emulator may connect to this address. */
export function isAddressAllowed(policy: CompiledPolicy, address: string): boolean {
  const cls = classifyAddress(address);
  if (cls === 'invalid') return false;
  const parsed = unwrap(address);
  if (policy.ranges.some(([range, bits]) => range.kind() === parsed.kind() && parsed.match(range, bits))) return true;
  return cls === 'public' || (cls === 'loopback' && policy.allowLoopback);
}

/**
 * Parses and checks a URL before anything is resolved: http or https only, no credentials, a host present.
 * Throws ModelArts.4601 otherwise.
 */
export function checkUrl(raw: string, base?: URL): URL {
  let url: URL;
  try {
    url = new URL(raw, base);
  } catch {
    throw ApiError.of('ModelArts.4601');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw ApiError.of('ModelArts.4601');
  if (url.username !== '' || url.password !== '') throw ApiError.of('ModelArts.4601');
  if (url.hostname === '') throw ApiError.of('ModelArts.4601');
  return url;
}

/** The URL's host without IPv6 brackets, as DNS and `net.connect` want it. */
export function hostOf(url: URL): string {
  return url.hostname.replace(/^\[|\]$/g, '');
}
