/**
 * The URL policy for every URL a peer hands us (its versions URL, endpoint URLs, a
 * `response_url`, a pagination `Link`): those are attacker-influenced, and following them blindly
 * lets a peer make this node call its own admin API, a database on the private network or the
 * cloud metadata service (server-side request forgery).
 *
 * Production mode refuses plain http and any host that is, or resolves to, an address outside
 * the public unicast space. Development mode (`--dev`, the demo and the tests) also allows http
 * and loopback, because nodes there talk to each other on 127.0.0.1.
 *
 * The classification is pure (`classifyAddress`); only `checkPeerUrl` does I/O, through a
 * resolver that tests replace. What this check cannot see: a name that resolves to a public
 * address here and to a private one when `fetch` resolves it again a moment later (DNS
 * rebinding). Closing that needs the connection pinned to the checked address, which global
 * `fetch` offers no hook for; a client can be given a `fetch` that re-applies `classifyAddress`
 * at connect time (e.g. an undici Agent with its own `connect.lookup`).
 */
import { lookup } from 'node:dns/promises';
import { isIPv4, isIPv6 } from 'node:net';

/**
 * What an address is, by the range it falls in. Every class but `public` is refused in
 * production; development mode allows `loopback` as well.
 * - unspecified: 0.0.0.0/8, `::` (connecting to it reaches the local host on many systems).
 * - private: 10/8, 172.16/12, 192.168/16, fc00::/7 (unique local), fec0::/10 (old site-local).
 * - cgnat: 100.64/10, shared address space behind carrier NAT (RFC 6598).
 * - reserved: IPv4 192.0.0/24, 198.18/15 and 240/4 (broadcast included); IPv6 outside 2000::/3.
 */
export type AddressRange =
  | 'public'
  | 'loopback'
  | 'private'
  | 'link-local'
  | 'unspecified'
  | 'cgnat'
  | 'multicast'
  | 'reserved';

export interface AddressClass {
  range: AddressRange;
  /**
   * For an IPv6 address that carries an IPv4 address (IPv4-mapped `::ffff:a.b.c.d`,
   * IPv4-compatible `::a.b.c.d`, NAT64 `64:ff9b::/96`, 6to4 `2002::/16`): that IPv4 address,
   * which is what the range was decided by (a packet to it can end up there).
   */
  embeddedIpv4?: string;
}

/** Why a URL was refused. */
export type UrlPolicyCode =
  /** Not an absolute URL. */
  | 'INVALID_URL'
  /** A scheme other than https (or http in development mode). */
  | 'UNSUPPORTED_SCHEME'
  /** http in production mode. */
  | 'INSECURE_SCHEME'
  /** `user:password@` in the URL: OCPI authenticates with its token, and fetch refuses them anyway. */
  | 'CREDENTIALS_IN_URL'
  /** The host is, or resolves to, an address of a refused range (see `range`). */
  | 'FORBIDDEN_ADDRESS'
  /** The name did not resolve (or resolved to nothing): nothing to check, so nothing is allowed. */
  | 'UNRESOLVABLE_HOST';

/** A refused URL. The message names the host and the reason, never more of the URL than that. */
export class UrlPolicyError extends Error {
  override readonly name = 'UrlPolicyError';
  readonly code: UrlPolicyCode;
  /** The host as written in the URL (undefined for INVALID_URL). */
  readonly host: string | undefined;
  /** FORBIDDEN_ADDRESS: the offending address and its range. */
  readonly address: string | undefined;
  readonly range: AddressRange | undefined;

  constructor(
    code: UrlPolicyCode,
    message: string,
    details: { host?: string; address?: string; range?: AddressRange } = {},
  ) {
    super(message);
    this.code = code;
    this.host = details.host;
    this.address = details.address;
    this.range = details.range;
  }
}

/** Resolves a host name to every address it has (A and AAAA). Throws or returns [] when it has none. */
export type Resolver = (hostname: string) => Promise<readonly string[]>;

/** The system resolver (getaddrinfo, as fetch itself uses), every address, in the system's order. */
export const systemResolver: Resolver = async (hostname) =>
  (await lookup(hostname, { all: true, verbatim: true })).map((entry) => entry.address);

export interface UrlPolicyOptions {
  /** Development mode: http and loopback addresses are allowed. */
  dev: boolean;
  /** Host name resolution; tests inject their own so no real DNS is asked. Default: the system's. */
  resolve?: Resolver;
  /**
   * Address ranges allowed besides `public` (and `loopback` in dev mode), for deployments whose
   * peers really are on a private network (two nodes in one VPC). Use with care.
   */
  allowRanges?: readonly AddressRange[];
}

export type UrlCheckResult =
  | {
      ok: true;
      url: URL;
      /**
       * The addresses the host resolved to (the literal itself for an IP host), all allowed;
       * empty for a `localhost` name, which is judged by name.
       */
      addresses: string[];
    }
  | { ok: false; error: UrlPolicyError };

// ---------------------------------------------------------------------------------------------
// Address classification (pure).

function ipv4Octets(address: string): [number, number, number, number] | undefined {
  if (!isIPv4(address)) return undefined;
  return address.split('.').map(Number) as [number, number, number, number];
}

function inIpv4(octets: readonly number[], base: readonly number[], prefix: number): boolean {
  const value = ((octets[0]! << 24) | (octets[1]! << 16) | (octets[2]! << 8) | octets[3]!) >>> 0;
  const net = ((base[0]! << 24) | (base[1]! << 16) | (base[2]! << 8) | base[3]!) >>> 0;
  const mask = prefix === 0 ? 0 : (0xffffffff << (32 - prefix)) >>> 0;
  return (value & mask) === (net & mask);
}

/** IPv4 ranges, first match wins; anything else is public. */
const IPV4_RANGES: readonly [readonly number[], number, AddressRange][] = [
  [[0, 0, 0, 0], 8, 'unspecified'],
  [[10, 0, 0, 0], 8, 'private'],
  [[100, 64, 0, 0], 10, 'cgnat'],
  [[127, 0, 0, 0], 8, 'loopback'],
  [[169, 254, 0, 0], 16, 'link-local'],
  [[172, 16, 0, 0], 12, 'private'],
  [[192, 0, 0, 0], 24, 'reserved'],
  [[192, 168, 0, 0], 16, 'private'],
  [[198, 18, 0, 0], 15, 'reserved'],
  [[224, 0, 0, 0], 4, 'multicast'],
  [[240, 0, 0, 0], 4, 'reserved'],
];

function classifyIpv4(octets: readonly number[]): AddressRange {
  for (const [base, prefix, range] of IPV4_RANGES) if (inIpv4(octets, base, prefix)) return range;
  return 'public';
}

/** The eight 16-bit groups of an IPv6 address (a trailing dotted quad and a zone id accepted). */
export function ipv6Groups(address: string): number[] | undefined {
  const text = address.replace(/%.*$/, '');
  if (!isIPv6(text)) return undefined;
  let body = text;
  const tail: number[] = [];
  const quad = /(\d+\.\d+\.\d+\.\d+)$/.exec(body);
  if (quad !== null) {
    const octets = ipv4Octets(quad[1]!);
    if (octets === undefined) return undefined;
    tail.push((octets[0] << 8) | octets[1], (octets[2] << 8) | octets[3]);
    body = body.slice(0, -quad[1]!.length);
    // `::1.2.3.4` leaves `::`, `::ffff:1.2.3.4` leaves `::ffff:`: drop the separator the quad used.
    if (body.endsWith(':') && !body.endsWith('::')) body = body.slice(0, -1);
  }
  const parse = (part: string) => (part === '' ? [] : part.split(':').map((g) => Number.parseInt(g, 16)));
  const [head, rest] = body.includes('::') ? body.split('::') : [body, undefined];
  const left = parse(head ?? '');
  const right = rest === undefined ? [] : parse(rest);
  const missing = 8 - left.length - right.length - tail.length;
  if (missing < 0 || (rest === undefined && missing !== 0)) return undefined;
  return [...left, ...new Array<number>(missing).fill(0), ...right, ...tail];
}

function ipv4FromGroups(high: number, low: number): number[] {
  return [high >> 8, high & 0xff, low >> 8, low & 0xff];
}

function classifyIpv6(groups: readonly number[]): AddressClass {
  const g = (i: number) => groups[i]!;
  const zeroUpTo = (n: number) => groups.slice(0, n).every((x) => x === 0);
  if (groups.every((x) => x === 0)) return { range: 'unspecified' };
  if (zeroUpTo(7) && g(7) === 1) return { range: 'loopback' };

  // Forms that carry an IPv4 address: judged by that address, which is where they can lead.
  let embedded: number[] | undefined;
  if (zeroUpTo(5) && g(5) === 0xffff)
    embedded = ipv4FromGroups(g(6), g(7)); // ::ffff:0:0/96 mapped
  else if (zeroUpTo(6))
    embedded = ipv4FromGroups(g(6), g(7)); // ::/96 IPv4-compatible (deprecated)
  else if (g(0) === 0x64 && g(1) === 0xff9b && groups.slice(2, 6).every((x) => x === 0))
    embedded = ipv4FromGroups(g(6), g(7)); // 64:ff9b::/96 NAT64
  else if (g(0) === 0x2002) embedded = ipv4FromGroups(g(1), g(2)); // 2002::/16 6to4
  if (embedded !== undefined) return { range: classifyIpv4(embedded), embeddedIpv4: embedded.join('.') };

  if ((g(0) & 0xfe00) === 0xfc00) return { range: 'private' }; // fc00::/7 unique local
  if ((g(0) & 0xffc0) === 0xfe80) return { range: 'link-local' }; // fe80::/10
  if ((g(0) & 0xffc0) === 0xfec0) return { range: 'private' }; // fec0::/10 site-local (deprecated)
  if ((g(0) & 0xff00) === 0xff00) return { range: 'multicast' }; // ff00::/8
  // Global unicast is allocated from 2000::/3 only; anything else is not a peer's address.
  if ((g(0) & 0xe000) !== 0x2000) return { range: 'reserved' };
  return { range: 'public' };
}

/**
 * The range of an IP address (IPv4 dotted quad or IPv6 in any notation, without brackets), or
 * undefined when the text is not an IP address.
 */
export function classifyAddress(address: string): AddressClass | undefined {
  const octets = ipv4Octets(address);
  if (octets !== undefined) return { range: classifyIpv4(octets) };
  const groups = ipv6Groups(address);
  return groups === undefined ? undefined : classifyIpv6(groups);
}

/** The ranges allowed in a mode: public always, loopback in development, plus any configured. */
export function allowedRanges(options: Pick<UrlPolicyOptions, 'dev' | 'allowRanges'>): Set<AddressRange> {
  return new Set<AddressRange>([
    'public',
    ...(options.dev ? (['loopback'] as const) : []),
    ...(options.allowRanges ?? []),
  ]);
}

// ---------------------------------------------------------------------------------------------
// URL checks.

/**
 * `localhost` and `*.localhost` are loopback by definition (RFC 6761), whatever a resolver says:
 * judged by name so a resolver that maps them elsewhere cannot open the door.
 */
function isLocalhostName(hostname: string): boolean {
  const name = hostname.toLowerCase().replace(/\.$/, '');
  return name === 'localhost' || name.endsWith('.localhost');
}

/** The checks that need no DNS: URL syntax, scheme, credentials. */
export function checkUrlSyntax(
  input: string | URL,
  options: Pick<UrlPolicyOptions, 'dev'>,
): { ok: true; url: URL } | { ok: false; error: UrlPolicyError } {
  let url: URL;
  try {
    url = new URL(input);
  } catch {
    return { ok: false, error: new UrlPolicyError('INVALID_URL', 'the URL is not an absolute URL') };
  }
  const host = url.hostname;
  if (url.protocol === 'http:' && !options.dev) {
    return {
      ok: false,
      error: new UrlPolicyError(
        'INSECURE_SCHEME',
        `refused http://${host}: peers must use https (plain http only in development mode)`,
        { host },
      ),
    };
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    return {
      ok: false,
      error: new UrlPolicyError(
        'UNSUPPORTED_SCHEME',
        `refused a ${url.protocol.replace(/:$/, '')} URL: only https is allowed`,
        { host },
      ),
    };
  }
  if (url.username !== '' || url.password !== '') {
    return {
      ok: false,
      error: new UrlPolicyError('CREDENTIALS_IN_URL', `refused a URL to ${host} that contains credentials`, {
        host,
      }),
    };
  }
  return { ok: true, url };
}

function forbidden(host: string, address: string, cls: AddressClass, dev: boolean): UrlPolicyError {
  const via = cls.embeddedIpv4 === undefined ? '' : ` (it carries the IPv4 address ${cls.embeddedIpv4})`;
  const isHostLiteral = host.replace(/^\[|\]$/g, '') === address;
  const what = isHostLiteral ? `host ${host} is` : `host ${host} resolves to ${address},`;
  const hint = dev || cls.range !== 'loopback' ? '' : ' (allowed only in development mode)';
  return new UrlPolicyError('FORBIDDEN_ADDRESS', `refused: ${what} a ${cls.range} address${via}${hint}`, {
    host,
    address,
    range: cls.range,
  });
}

/**
 * Checks a URL a peer gave us. Resolves the host (unless it is an IP literal) and requires every
 * address it has to be allowed: fetch may connect to any of them. Never throws; a refusal comes
 * back as `{ ok: false, error }`.
 */
export async function checkPeerUrl(input: string | URL, options: UrlPolicyOptions): Promise<UrlCheckResult> {
  const syntax = checkUrlSyntax(input, options);
  if (!syntax.ok) return syntax;
  const { url } = syntax;
  const host = url.hostname;
  const bare = host.replace(/^\[|\]$/g, '');
  const allowed = allowedRanges(options);

  let addresses: string[];
  if (classifyAddress(bare) !== undefined) {
    addresses = [bare];
  } else if (isLocalhostName(bare)) {
    if (!allowed.has('loopback')) {
      return {
        ok: false,
        error: new UrlPolicyError(
          'FORBIDDEN_ADDRESS',
          `refused: host ${host} is a loopback name (allowed only in development mode)`,
          { host, range: 'loopback' },
        ),
      };
    }
    return { ok: true, url, addresses: [] };
  } else {
    try {
      addresses = [...(await (options.resolve ?? systemResolver)(bare))];
    } catch (error) {
      const reason = (error as { code?: unknown }).code;
      return {
        ok: false,
        error: new UrlPolicyError(
          'UNRESOLVABLE_HOST',
          `refused: host ${host} could not be resolved${typeof reason === 'string' ? ` (${reason})` : ''}`,
          { host },
        ),
      };
    }
    if (addresses.length === 0) {
      return {
        ok: false,
        error: new UrlPolicyError('UNRESOLVABLE_HOST', `refused: host ${host} resolved to no address`, {
          host,
        }),
      };
    }
  }

  for (const address of addresses) {
    const cls = classifyAddress(address);
    // A resolver answer that is not an address is as untrustworthy as a forbidden one.
    if (cls === undefined) {
      return {
        ok: false,
        error: new UrlPolicyError(
          'UNRESOLVABLE_HOST',
          `refused: host ${host} resolved to something that is not an IP address`,
          { host },
        ),
      };
    }
    if (!allowed.has(cls.range)) return { ok: false, error: forbidden(host, address, cls, options.dev) };
  }
  return { ok: true, url, addresses };
}

/** `checkPeerUrl`, throwing the UrlPolicyError on refusal and returning the parsed URL otherwise. */
export async function assertPeerUrl(input: string | URL, options: UrlPolicyOptions): Promise<URL> {
  const result = await checkPeerUrl(input, options);
  if (!result.ok) throw result.error;
  return result.url;
}
