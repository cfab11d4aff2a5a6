/**
 * The node's configuration: what it hosts (parties and roles), which OCPI versions and modules it
 * offers, where it is reachable, and whether it runs in development mode. Plain data and a pure
 * validator; reading files, flags and environment variables is the CLI's job.
 */
import {
  isOcpiVersion,
  MODULE_IDS,
  type ModuleId,
  OCPI_VERSIONS,
  type OcpiVersion,
  v2_3_0,
  validate,
} from '../protocol/index.js';

/**
 * Roles a hosted party may play: the canonical (2.3.0) Role values. 2.2.1's HUB is left out on
 * purpose: a hub forwards messages by the routing headers, which this node does not do (yet).
 */
export const PARTY_ROLES = ['CPO', 'EMSP', 'NAP', 'NSP', 'OTHER', 'SCSP'] as const;
export type PartyRoleName = (typeof PARTY_ROLES)[number];

export interface HostedParty {
  /** ISO 3166 alpha-2, upper case. */
  country_code: string;
  /** Three characters, upper case. */
  party_id: string;
  role: PartyRoleName;
  /** Canonical (2.3.0) BusinessDetails; a name is made up when absent. */
  business_details: v2_3_0.locations.BusinessDetails;
}

/**
 * Modules a node can enable today. Each later module adds its id here once its handlers exist
 * (src/platform/modules.ts); `versions` and `credentials` are always on.
 */
export const IMPLEMENTED_MODULES: readonly ModuleId[] = [
  'versions',
  'credentials',
  'locations',
  'tariffs',
  'tokens',
  'sessions',
  'cdrs',
  'commands',
  'chargingprofiles',
];
const REQUIRED_MODULES: readonly ModuleId[] = ['versions', 'credentials'];

export interface NodeConfig {
  /**
   * Base URL peers reach this node at, without a trailing slash. OCPI lives under
   * `{publicUrl}/ocpi/...`; a path (a reverse proxy's prefix) is kept. Read on every request, so
   * a server listening on port 0 may set it once the port is known, before any URL is handed out.
   */
  publicUrl: string;
  /** One or more parties; the first one is the party of 2.1.1 connections (2.1.1 carries one). */
  parties: HostedParty[];
  /** Versions offered, oldest first, no duplicates. */
  versions: OcpiVersion[];
  /**
   * Enabled modules, in MODULE_IDS order; always holds `versions` and `credentials`. Default: every
   * implemented module. A module's interfaces are served for the roles our parties play.
   */
  modules: ModuleId[];
  /**
   * Development mode: peer URLs may be plain http and may point at loopback or private addresses.
   * On by default only while publicUrl is an http:// loopback URL (the demo and the tests).
   */
  dev: boolean;
  /** Bearer token of the admin API; the admin API is off without one. */
  adminToken: string | undefined;
  /** Page sizes of the list GETs we serve (X-Limit is maxLimit). */
  pagination: PaginationSettings;
  /** How our objects are pushed to peers (src/platform/delivery/). */
  delivery: DeliverySettings;
  /** Periodic pull sync of what peers send us (src/platform/sync.ts). */
  sync: SyncSettings;
  /** Real-time token authorization at our EVSEs (a CPO; src/platform/charging-sessions/). */
  authorization: AuthorizationSettings;
}

export interface AuthorizationSettings {
  /**
   * How long a driver waits for the eMSP's real-time answer; then the whitelist's offline rule
   * decides (ALLOWED_OFFLINE: allowed, NEVER: refused). Default 5 000 ms.
   */
  timeoutMs: number;
}

export interface PaginationSettings {
  /** Page size when a client asks for none. Default 100. */
  defaultLimit: number;
  /** The most objects in one page; a larger `limit` is lowered to it and X-Limit says so. Default 1000. */
  maxLimit: number;
}

export interface DeliverySettings {
  /** Transient failures of one delivery are retried within this window, then the peer is parked. Default 60 000 ms. */
  retryWindowMs: number;
  /** First retry delay, doubled per attempt (with jitter), at most maxDelayMs. Defaults 500 / 15 000 ms. */
  baseDelayMs: number;
  maxDelayMs: number;
  /** How often an unreachable peer is probed with one of its parked objects. Default 60 000 ms. */
  probeIntervalMs: number;
  /** How often the worker looks for due deliveries when idle. Default 250 ms. */
  pollIntervalMs: number;
  /** Deliveries in flight at once (per worker). Default 16. */
  concurrency: number;
  /** How long a claimed delivery is held before another worker may take it. Default 60 000 ms. */
  leaseMs: number;
  /** Per request to a peer. Default 10 000 ms. */
  timeoutMs: number;
}

export interface SyncSettings {
  /** Pull every peer's locations and tariffs this often (incremental); null: never on a schedule. Default null. */
  intervalMs: number | null;
  /** Per peer (id or name): its own interval, or null to never sync it on a schedule. */
  peers: Record<string, number | null>;
}

export const DEFAULT_PAGINATION: PaginationSettings = { defaultLimit: 100, maxLimit: 1000 };
export const DEFAULT_DELIVERY: DeliverySettings = {
  retryWindowMs: 60_000,
  baseDelayMs: 500,
  maxDelayMs: 15_000,
  probeIntervalMs: 60_000,
  pollIntervalMs: 250,
  concurrency: 16,
  leaseMs: 60_000,
  timeoutMs: 10_000,
};
export const DEFAULT_SYNC: SyncSettings = { intervalMs: null, peers: {} };
export const DEFAULT_AUTHORIZATION: AuthorizationSettings = { timeoutMs: 5_000 };

/** What a caller gives: every field but publicUrl and parties may be left out. */
export interface NodeConfigInput {
  publicUrl?: unknown;
  parties?: unknown;
  versions?: unknown;
  modules?: unknown;
  dev?: unknown;
  adminToken?: unknown;
  pagination?: unknown;
  delivery?: unknown;
  sync?: unknown;
  authorization?: unknown;
}

/** One problem with the configuration, naming the key (`parties[1].role`). */
export interface ConfigIssue {
  key: string;
  message: string;
}

export class ConfigError extends Error {
  constructor(readonly issues: ConfigIssue[]) {
    super(`invalid configuration: ${issues.map((i) => `${i.key}: ${i.message}`).join('; ')}`);
    this.name = 'ConfigError';
  }
}

const LOOPBACK_HOSTS = new Set(['localhost', '[::1]', '::1']);

/** Whether a URL's host is a loopback name or address (127.0.0.0/8, ::1, localhost). */
export function isLoopbackHost(hostname: string): boolean {
  const host = hostname.toLowerCase();
  return LOOPBACK_HOSTS.has(host) || host.endsWith('.localhost') || /^127(\.\d{1,3}){3}$/.test(host);
}

const isRecord = (v: unknown): v is Record<string, unknown> =>
  v !== null && typeof v === 'object' && !Array.isArray(v);

function checkPublicUrl(value: unknown, issues: ConfigIssue[]): URL | undefined {
  if (typeof value !== 'string' || value.trim() === '') {
    issues.push({ key: 'publicUrl', message: 'is required: the http(s) URL peers reach this node at' });
    return undefined;
  }
  let url: URL;
  try {
    url = new URL(value.trim());
  } catch {
    issues.push({ key: 'publicUrl', message: `'${value}' is not a URL` });
    return undefined;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    issues.push({ key: 'publicUrl', message: `must be an http:// or https:// URL (got ${url.protocol})` });
    return undefined;
  }
  if (url.search !== '' || url.hash !== '' || url.username !== '' || url.password !== '') {
    issues.push({ key: 'publicUrl', message: 'must not carry a query, a fragment or user information' });
    return undefined;
  }
  return url;
}

/** Parses `CC:PARTY:ROLE` (the `--party` flag), or says what is wrong. */
export function parsePartyFlag(
  value: string,
): { country_code: string; party_id: string; role: string } | string {
  const parts = value.split(':');
  if (parts.length !== 3 || parts.some((p) => p.trim() === '')) {
    return `'${value}' is not COUNTRY:PARTY:ROLE (e.g. NL:RMK:CPO)`;
  }
  const [country_code, party_id, role] = parts.map((p) => p.trim()) as [string, string, string];
  return { country_code, party_id, role };
}

function checkParty(value: unknown, key: string, issues: ConfigIssue[]): HostedParty | undefined {
  let raw = value;
  if (typeof raw === 'string') {
    const parsed = parsePartyFlag(raw);
    if (typeof parsed === 'string') {
      issues.push({ key, message: parsed });
      return undefined;
    }
    raw = parsed;
  }
  if (!isRecord(raw)) {
    issues.push({ key, message: 'must be an object {country_code, party_id, role} or "CC:PARTY:ROLE"' });
    return undefined;
  }
  const before = issues.length;
  const cc = typeof raw.country_code === 'string' ? raw.country_code.trim().toUpperCase() : undefined;
  if (cc === undefined || !/^[A-Z]{2}$/.test(cc)) {
    issues.push({ key: `${key}.country_code`, message: 'must be two letters (ISO 3166 alpha-2), e.g. NL' });
  }
  const pid = typeof raw.party_id === 'string' ? raw.party_id.trim().toUpperCase() : undefined;
  if (pid === undefined || !/^[A-Z0-9]{3}$/.test(pid)) {
    issues.push({ key: `${key}.party_id`, message: 'must be three letters or digits, e.g. RMK' });
  }
  const role = typeof raw.role === 'string' ? raw.role.trim().toUpperCase() : undefined;
  if (role === 'HUB') {
    issues.push({
      key: `${key}.role`,
      message: 'HUB is not supported: this node does not route messages for other parties',
    });
  } else if (role === undefined || !(PARTY_ROLES as readonly string[]).includes(role)) {
    issues.push({ key: `${key}.role`, message: `must be one of ${PARTY_ROLES.join(', ')}` });
  }
  let business: v2_3_0.locations.BusinessDetails | undefined;
  if (raw.business_details !== undefined) {
    const result = validate(v2_3_0.locations.BusinessDetails, raw.business_details);
    for (const issue of result.issues) {
      issues.push({
        key: `${key}.business_details${issue.pointer.replaceAll('/', '.')}`,
        message: issue.message,
      });
    }
    if (result.valid) business = raw.business_details as v2_3_0.locations.BusinessDetails;
  }
  if (issues.length > before) return undefined;
  return {
    country_code: cc as string,
    party_id: pid as string,
    role: role as PartyRoleName,
    // BusinessDetails.name is required by every version; a party configured without one still needs a name.
    business_details: business ?? { name: `${cc} ${pid}` },
  };
}

function checkParties(value: unknown, issues: ConfigIssue[]): HostedParty[] {
  if (!Array.isArray(value) || value.length === 0) {
    issues.push({ key: 'parties', message: 'at least one party is required (e.g. NL:RMK:CPO)' });
    return [];
  }
  const parties: HostedParty[] = [];
  const seen = new Set<string>();
  value.forEach((item, index) => {
    const party = checkParty(item, `parties[${index}]`, issues);
    if (party === undefined) return;
    // The Credentials chapter: every (role, party_id, country_code) of a platform is unique.
    const id = `${party.country_code}:${party.party_id}:${party.role}`;
    if (seen.has(id)) {
      issues.push({ key: `parties[${index}]`, message: `${id} is listed twice` });
      return;
    }
    seen.add(id);
    parties.push(party);
  });
  return parties;
}

function listOf(value: unknown): unknown[] | undefined {
  if (typeof value === 'string') return value.split(',').map((s) => s.trim());
  return Array.isArray(value) ? value : undefined;
}

function checkVersions(value: unknown, issues: ConfigIssue[]): OcpiVersion[] {
  if (value === undefined) return [...OCPI_VERSIONS];
  const list = listOf(value);
  if (list === undefined || list.length === 0) {
    issues.push({ key: 'versions', message: `must list one or more of ${OCPI_VERSIONS.join(', ')}` });
    return [];
  }
  const wanted = new Set<OcpiVersion>();
  for (const item of list) {
    if (typeof item !== 'string' || !isOcpiVersion(item)) {
      issues.push({
        key: 'versions',
        message: `'${String(item)}' is not a version this node speaks (${OCPI_VERSIONS.join(', ')})`,
      });
    } else {
      wanted.add(item);
    }
  }
  return OCPI_VERSIONS.filter((v) => wanted.has(v));
}

function checkModules(value: unknown, issues: ConfigIssue[]): ModuleId[] {
  // Left out: every module this node implements (a node is complete by default).
  if (value === undefined) return MODULE_IDS.filter((id) => IMPLEMENTED_MODULES.includes(id));
  const list = listOf(value);
  if (list === undefined) {
    issues.push({ key: 'modules', message: 'must be a list of module ids' });
    return [...REQUIRED_MODULES];
  }
  const wanted = new Set<ModuleId>(REQUIRED_MODULES);
  for (const item of list) {
    const id = typeof item === 'string' ? item.trim().toLowerCase() : undefined;
    if (id === undefined || !(MODULE_IDS as readonly string[]).includes(id)) {
      issues.push({ key: 'modules', message: `'${String(item)}' is not an OCPI module id` });
    } else if (!IMPLEMENTED_MODULES.includes(id as ModuleId)) {
      issues.push({ key: 'modules', message: `module '${id}' is not implemented by this node yet` });
    } else {
      wanted.add(id as ModuleId);
    }
  }
  return MODULE_IDS.filter((id) => wanted.has(id));
}

function checkDev(value: unknown, url: URL | undefined, issues: ConfigIssue[]): boolean {
  const loopbackHttp = url !== undefined && url.protocol === 'http:' && isLoopbackHost(url.hostname);
  let dev = loopbackHttp;
  if (typeof value === 'boolean') dev = value;
  else if (value === 'true' || value === '1') dev = true;
  else if (value === 'false' || value === '0') dev = false;
  else if (value !== undefined) issues.push({ key: 'dev', message: 'must be true or false' });
  // Outside development mode peers are refused plain http; our own URL is held to the same rule.
  if (!dev && url !== undefined && url.protocol !== 'https:') {
    issues.push({
      key: 'publicUrl',
      message:
        'must be https:// outside development mode (dev is on by default only for http://127.0.0.1 and localhost)',
    });
  }
  return dev;
}

function checkAdminToken(value: unknown, issues: ConfigIssue[]): string | undefined {
  if (value === undefined || value === '') return undefined;
  if (typeof value !== 'string' || !/^[\x21-\x7E]{16,}$/.test(value)) {
    issues.push({
      key: 'adminToken',
      message: 'must be at least 16 printable characters without spaces',
    });
    return undefined;
  }
  return value;
}

/** A group of positive integer settings (`delivery.retryWindowMs`), defaults for what is left out. */
function checkNumbers<T extends object>(
  value: unknown,
  group: string,
  defaults: T,
  issues: ConfigIssue[],
): T {
  if (value === undefined) return { ...defaults };
  if (!isRecord(value)) {
    issues.push({ key: group, message: 'must be an object' });
    return { ...defaults };
  }
  const out = { ...defaults } as Record<string, unknown>;
  for (const [name, raw] of Object.entries(value)) {
    if (!(name in defaults)) {
      issues.push({
        key: `${group}.${name}`,
        message: `is not a setting (known: ${Object.keys(defaults).join(', ')})`,
      });
      continue;
    }
    const n = typeof raw === 'string' && raw.trim() !== '' ? Number(raw) : raw;
    if (typeof n !== 'number' || !Number.isInteger(n) || n < 1) {
      issues.push({ key: `${group}.${name}`, message: 'must be a positive integer' });
      continue;
    }
    out[name] = n;
  }
  return out as T;
}

function checkPagination(value: unknown, issues: ConfigIssue[]): PaginationSettings {
  const settings = checkNumbers(value, 'pagination', DEFAULT_PAGINATION, issues);
  if (settings.defaultLimit > settings.maxLimit) {
    issues.push({ key: 'pagination.defaultLimit', message: 'must not be larger than pagination.maxLimit' });
  }
  return settings;
}

const interval = (raw: unknown): number | null | undefined => {
  if (raw === null || raw === 'off') return null;
  const n = typeof raw === 'string' && raw.trim() !== '' ? Number(raw) : raw;
  return typeof n === 'number' && Number.isInteger(n) && n >= 1000 ? n : undefined;
};

function checkSync(value: unknown, issues: ConfigIssue[]): SyncSettings {
  if (value === undefined) return { intervalMs: DEFAULT_SYNC.intervalMs, peers: {} };
  if (!isRecord(value)) {
    issues.push({ key: 'sync', message: 'must be an object {intervalMs, peers}' });
    return { intervalMs: DEFAULT_SYNC.intervalMs, peers: {} };
  }
  const message = 'must be a number of milliseconds (at least 1000) or null (off)';
  let intervalMs = DEFAULT_SYNC.intervalMs;
  if (value.intervalMs !== undefined) {
    const parsed = interval(value.intervalMs);
    if (parsed === undefined) issues.push({ key: 'sync.intervalMs', message });
    else intervalMs = parsed;
  }
  const peers: Record<string, number | null> = {};
  if (value.peers !== undefined) {
    if (!isRecord(value.peers))
      issues.push({ key: 'sync.peers', message: 'must map peer ids or names to intervals' });
    else {
      for (const [peer, raw] of Object.entries(value.peers)) {
        const parsed = interval(raw);
        if (parsed === undefined) issues.push({ key: `sync.peers.${peer}`, message });
        else peers[peer] = parsed;
      }
    }
  }
  for (const key of Object.keys(value)) {
    if (key !== 'intervalMs' && key !== 'peers')
      issues.push({ key: `sync.${key}`, message: 'is not a setting (known: intervalMs, peers)' });
  }
  return { intervalMs, peers };
}

/**
 * Checks a configuration and returns it complete (defaults filled in, codes upper-cased), or
 * throws a ConfigError listing every problem with its key.
 */
export function validateNodeConfig(input: NodeConfigInput): NodeConfig {
  const issues: ConfigIssue[] = [];
  if (!isRecord(input)) throw new ConfigError([{ key: '(root)', message: 'must be an object' }]);
  const url = checkPublicUrl(input.publicUrl, issues);
  const parties = checkParties(input.parties, issues);
  const versions = checkVersions(input.versions, issues);
  const modules = checkModules(input.modules, issues);
  const dev = checkDev(input.dev, url, issues);
  const adminToken = checkAdminToken(input.adminToken, issues);
  const pagination = checkPagination(input.pagination, issues);
  const delivery = checkNumbers(input.delivery, 'delivery', DEFAULT_DELIVERY, issues);
  const sync = checkSync(input.sync, issues);
  const authorization = checkNumbers(input.authorization, 'authorization', DEFAULT_AUTHORIZATION, issues);
  if (issues.length > 0) throw new ConfigError(issues);
  return {
    publicUrl: (url as URL).href.replace(/\/+$/, ''),
    parties,
    versions,
    modules,
    dev,
    adminToken,
    pagination,
    delivery,
    sync,
    authorization,
  };
}
