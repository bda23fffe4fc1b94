/**
 * Where a webhook may be delivered (SEC-93). The URL rule is checked when a developer saves
 * `webhook_url`; the address rule is checked on every delivery against the addresses the
 * host name resolves to *then*, so a name that later points inside the network (DNS
 * rebinding) is still refused.
 */

export interface DestinationPolicy {
  /** Production refuses plain http and every private, loopback or link-local address. */
  production: boolean;
}

const MAX_URL_LENGTH = 2000;

/** Why `raw` cannot be a webhook URL, or null when it can. */
export function webhookUrlProblem(raw: string, policy: DestinationPolicy): string | null {
  if (raw.length > MAX_URL_LENGTH) return `must be at most ${MAX_URL_LENGTH} characters`;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return 'must be an absolute URL';
  }
  if (url.username !== '' || url.password !== '') return 'must not contain a user name or password';
  if (url.hash !== '' || raw.includes('#')) return 'must not contain a fragment (#…)';
  if (url.protocol === 'https:') return null;
  if (url.protocol !== 'http:') return 'must use https';
  if (policy.production) return 'must use https';
  return isLoopbackHost(url.hostname)
    ? null
    : 'must use https (http is allowed only for loopback in development)';
}

/** `localhost` and loopback literals: the only hosts plain http may name, outside production. */
function isLoopbackHost(hostname: string): boolean {
  if (hostname === 'localhost' || hostname.endsWith('.localhost')) return true;
  const address = hostname.startsWith('[') ? hostname.slice(1, -1) : hostname;
  const parsed = parseAddress(address);
  return parsed !== null && classify(parsed) === 'loopback';
}

export type AddressClass = 'public' | 'loopback' | 'private' | 'link-local' | 'reserved';

/**
 * Whether a delivery may connect to `address` (an IP literal as DNS returned it). In
 * development loopback and private networks are allowed (a receiver on the laptop);
 * production allows only public unicast addresses.
 */
export function destinationAllowed(address: string, policy: DestinationPolicy): boolean {
  const parsed = parseAddress(address);
  if (parsed === null) return false;
  const kind = classify(parsed);
  if (kind === 'public') return true;
  if (policy.production) return false;
  return kind === 'loopback' || kind === 'private';
}

/** The class of an IP literal; null when it is not one. */
export function addressClass(address: string): AddressClass | null {
  const parsed = parseAddress(address);
  return parsed === null ? null : classify(parsed);
}

type Parsed = { v: 4; bytes: number[] } | { v: 6; words: number[] };

function parseAddress(address: string): Parsed | null {
  const v4 = parseIpv4(address);
  if (v4) return { v: 4, bytes: v4 };
  const v6 = parseIpv6(address);
  return v6 ? { v: 6, words: v6 } : null;
}

function parseIpv4(text: string): number[] | null {
  const parts = text.split('.');
  if (parts.length !== 4) return null;
  const bytes: number[] = [];
  for (const part of parts) {
    if (!/^(0|[1-9][0-9]{0,2})$/.test(part)) return null;
    const n = Number(part);
    if (n > 255) return null;
    bytes.push(n);
  }
  return bytes;
}

function parseIpv6(input: string): number[] | null {
  // A zone (`fe80::1%eth0`) only ever qualifies a link-local address.
  const text = input.split('%')[0] ?? '';
  if (!text.includes(':')) return null;
  let tail: number[] = [];
  let head = text;
  const lastColon = text.lastIndexOf(':');
  const maybeV4 = text.slice(lastColon + 1);
  if (maybeV4.includes('.')) {
    const v4 = parseIpv4(maybeV4);
    if (!v4) return null;
    tail = [(v4[0]! << 8) | v4[1]!, (v4[2]! << 8) | v4[3]!];
    head = text.slice(0, lastColon + 1);
    if (!head.endsWith('::')) head = head.slice(0, -1);
  }
  const halves = head.split('::');
  if (halves.length > 2) return null;
  const group = (s: string): number[] | null => {
    if (s === '') return [];
    const out: number[] = [];
    for (const g of s.split(':')) {
      if (!/^[0-9a-fA-F]{1,4}$/.test(g)) return null;
      out.push(Number.parseInt(g, 16));
    }
    return out;
  };
  const left = group(halves[0] ?? '');
  const right = halves.length === 2 ? group(halves[1] ?? '') : [];
  if (!left || !right) return null;
  const given = left.length + right.length + tail.length;
  if (halves.length === 1) return given === 8 ? [...left, ...tail] : null;
  if (given > 7) return null;
  return [...left, ...new Array<number>(8 - given).fill(0), ...right, ...tail];
}

function classify(parsed: Parsed): AddressClass {
  if (parsed.v === 4) return classifyIpv4(parsed.bytes);
  const w = parsed.words;
  const zeroUntil = (n: number) => w.slice(0, n).every((x) => x === 0);
  // IPv4-mapped (::ffff:a.b.c.d) and IPv4-compatible (::a.b.c.d) carry an IPv4 destination.
  if (zeroUntil(5) && w[5] === 0xffff) return classifyIpv4(wordsToBytes(w[6]!, w[7]!));
  if (zeroUntil(7) && w[7] === 1) return 'loopback';
  if (zeroUntil(8)) return 'reserved';
  if (zeroUntil(6) && (w[6] !== 0 || w[7]! > 1)) return classifyIpv4(wordsToBytes(w[6]!, w[7]!));
  // NAT64 (64:ff9b::/96) reaches the embedded IPv4 address.
  if (w[0] === 0x64 && w[1] === 0xff9b && w.slice(2, 6).every((x) => x === 0)) {
    return classifyIpv4(wordsToBytes(w[6]!, w[7]!));
  }
  const first = w[0]!;
  if ((first & 0xffc0) === 0xfe80) return 'link-local';
  if ((first & 0xfe00) === 0xfc00) return 'private'; // unique local fc00::/7
  if ((first & 0xffc0) === 0xfec0) return 'private'; // deprecated site-local
  if ((first & 0xff00) === 0xff00) return 'reserved'; // multicast
  if (first === 0x2001 && w[1] === 0x0db8) return 'reserved'; // documentation
  // 6to4 (2002::/16) embeds an IPv4 address in the next 32 bits.
  if (first === 0x2002) return classifyIpv4(wordsToBytes(w[1]!, w[2]!));
  // Teredo (2001::/32) can tunnel to anywhere; there is no reason for a webhook to use it.
  if (first === 0x2001 && w[1] === 0) return 'reserved';
  // Global unicast is 2000::/3; everything else is unassigned.
  return (first & 0xe000) === 0x2000 ? 'public' : 'reserved';
}

function wordsToBytes(a: number, b: number): number[] {
  return [a >> 8, a & 0xff, b >> 8, b & 0xff];
}

function classifyIpv4([a, b, c]: number[]): AddressClass {
  if (a === 127) return 'loopback';
  if (a === 10) return 'private';
  if (a === 172 && b! >= 16 && b! <= 31) return 'private';
  if (a === 192 && b === 168) return 'private';
  if (a === 169 && b === 254) return 'link-local';
  if (a === 100 && b! >= 64 && b! <= 127) return 'private'; // carrier-grade NAT
  if (a === 0) return 'reserved';
  if (a === 192 && b === 0 && (c === 0 || c === 2)) return 'reserved'; // IETF, TEST-NET-1
  if (a === 198 && (b === 18 || b === 19)) return 'reserved'; // benchmarking
  if (a === 198 && b === 51 && c === 100) return 'reserved'; // TEST-NET-2
  if (a === 203 && b === 0 && c === 113) return 'reserved'; // TEST-NET-3
  if (a === 192 && b === 88 && c === 99) return 'reserved'; // 6to4 relay anycast
  if (a! >= 224) return 'reserved'; // multicast, reserved, broadcast
  return 'public';
}
