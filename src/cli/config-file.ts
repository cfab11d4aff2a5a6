/**
 * `roamkit serve`'s settings: each one from a flag, a `ROAMKIT_*` environment variable, the config
 * file (JSON or YAML) or its default, in that order of precedence. Reading the file is the only
 * I/O here; resolving and checking are pure, and every problem names the setting and where its
 * value came from (`publicUrl (from ROAMKIT_PUBLIC_URL): …`).
 */
import { readFileSync } from 'node:fs';
import { extname } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { ConfigError, type NodeConfig, validateNodeConfig } from '../platform/config.js';
import { DEFAULT_SQLITE_PATH, parseStoreUrl, StoreUrlError } from '../store/url.js';

export type SettingKey =
  | 'db'
  | 'host'
  | 'port'
  | 'publicUrl'
  | 'parties'
  | 'versions'
  | 'adminToken'
  | 'dev'
  | 'logLevel'
  | 'modules'
  | 'pagination'
  | 'delivery'
  | 'sync'
  | 'authorization';

interface SettingDef {
  key: SettingKey;
  /** Undefined for groups of settings, which only a config file can hold. */
  flag?: string;
  env?: string;
}

/** Every setting, its flag and its environment variable (the flag's name in upper snake case). */
export const SETTINGS: readonly SettingDef[] = [
  { key: 'db', flag: '--db', env: 'ROAMKIT_DB' },
  { key: 'host', flag: '--host', env: 'ROAMKIT_HOST' },
  { key: 'port', flag: '--port', env: 'ROAMKIT_PORT' },
  { key: 'publicUrl', flag: '--public-url', env: 'ROAMKIT_PUBLIC_URL' },
  { key: 'parties', flag: '--party', env: 'ROAMKIT_PARTIES' },
  { key: 'versions', flag: '--versions', env: 'ROAMKIT_VERSIONS' },
  { key: 'adminToken', flag: '--admin-token', env: 'ROAMKIT_ADMIN_TOKEN' },
  { key: 'dev', flag: '--dev', env: 'ROAMKIT_DEV' },
  { key: 'logLevel', flag: '--log-level', env: 'ROAMKIT_LOG_LEVEL' },
  { key: 'modules', flag: '--modules', env: 'ROAMKIT_MODULES' },
  // Groups of settings: the config file only (an object each; see docs/configuration.md).
  { key: 'pagination' },
  { key: 'delivery' },
  { key: 'sync' },
  { key: 'authorization' },
];

/** The environment variable naming the config file (the `--config` flag wins over it). */
export const CONFIG_ENV = 'ROAMKIT_CONFIG';

export const SERVE_DEFAULTS = {
  db: `sqlite:${DEFAULT_SQLITE_PATH}`,
  host: '127.0.0.1',
  port: 8080,
  logLevel: 'info',
} as const;

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

/** One problem, naming the setting and where its value came from. */
export interface SettingIssue {
  key: string;
  source: string;
  message: string;
}

export class ServeConfigError extends Error {
  override readonly name = 'ServeConfigError';
  constructor(readonly issues: SettingIssue[]) {
    super(
      `invalid configuration:\n${issues.map((i) => `  ${i.key} (${i.source}): ${i.message}`).join('\n')}`,
    );
  }
}

// ---------------------------------------------------------------------------------------------
// The config file.

/**
 * Config-file keys are matched without case, dashes or underscores, so `publicUrl`, `public_url`
 * and `public-url` are the same key; `party` is accepted for `parties`.
 */
const normalizeKey = (key: string) => key.toLowerCase().replace(/[-_]/g, '');
const FILE_KEYS = new Map<string, SettingKey>([
  ...SETTINGS.map((s) => [normalizeKey(s.key), s.key] as const),
  ['party', 'parties'],
]);

export interface ConfigFile {
  path: string;
  values: Partial<Record<SettingKey, unknown>>;
}

/** Parses a config file's text: JSON for `.json`, YAML otherwise (YAML also reads JSON). */
export function parseConfigText(path: string, text: string): ConfigFile {
  const source = `config file ${path}`;
  let raw: unknown;
  try {
    raw = extname(path).toLowerCase() === '.json' ? JSON.parse(text) : parseYaml(text);
  } catch (error) {
    const message = (error as Error).message.split('\n')[0];
    throw new ServeConfigError([{ key: 'config', source, message: `cannot be parsed: ${message}` }]);
  }
  if (raw === null || raw === undefined) return { path, values: {} };
  if (typeof raw !== 'object' || Array.isArray(raw)) {
    throw new ServeConfigError([
      { key: 'config', source, message: 'must hold a mapping of settings (db, host, port, …)' },
    ]);
  }
  const values: Partial<Record<SettingKey, unknown>> = {};
  const issues: SettingIssue[] = [];
  for (const [key, value] of Object.entries(raw)) {
    const setting = FILE_KEYS.get(normalizeKey(key));
    if (setting === undefined) {
      issues.push({
        key,
        source,
        message: `unknown setting (known: ${SETTINGS.map((s) => s.key).join(', ')})`,
      });
    } else if (setting in values) {
      issues.push({ key, source, message: `${setting} is given twice` });
    } else {
      values[setting] = value;
    }
  }
  if (issues.length > 0) throw new ServeConfigError(issues);
  return { path, values };
}

export function readConfigFile(path: string): ConfigFile {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
    throw new ServeConfigError([
      { key: 'config', source: path, message: `cannot read the file (${reason})` },
    ]);
  }
  return parseConfigText(path, text);
}

// ---------------------------------------------------------------------------------------------
// Resolving.

/** What the command line gave (undefined: not given). `parties` holds every `--party`. */
export type ServeFlags = Partial<Record<SettingKey, unknown>> & { config?: string };

export interface ResolvedSetting {
  value: unknown;
  /** `--port`, `ROAMKIT_PORT`, `config file FILE` or `default`. */
  source: string;
}

/** The winning value of each setting and where it came from: flag > environment > file > default. */
export function resolveSettings(
  flags: ServeFlags,
  env: Readonly<Record<string, string | undefined>>,
  file: ConfigFile | undefined,
): Record<SettingKey, ResolvedSetting> {
  const out = {} as Record<SettingKey, ResolvedSetting>;
  for (const { key, flag, env: envName } of SETTINGS) {
    const fromFlag = flags[key];
    const fromEnv = envName === undefined ? undefined : env[envName];
    if (fromFlag !== undefined && !(Array.isArray(fromFlag) && fromFlag.length === 0)) {
      out[key] = { value: fromFlag, source: flag ?? key };
    } else if (fromEnv !== undefined && fromEnv !== '') {
      // A list in one variable: ROAMKIT_PARTIES="NL:RMK:CPO NL:RMK:EMSP" (commas work too).
      const value = key === 'parties' ? fromEnv.split(/[\s,]+/).filter((s) => s !== '') : fromEnv;
      out[key] = { value, source: envName ?? key };
    } else if (file !== undefined && file.values[key] !== undefined) {
      out[key] = { value: file.values[key], source: `config file ${file.path}` };
    } else {
      out[key] = { value: (SERVE_DEFAULTS as Record<string, unknown>)[key], source: 'default' };
    }
  }
  return out;
}

/** Everything `roamkit serve` needs, checked. */
export interface ServeSettings {
  db: string;
  host: string;
  port: number;
  logLevel: string;
  config: NodeConfig;
  /**
   * No public URL was given: it is `http://{host}:{port}`, and with port 0 its port is filled in
   * once the server listens.
   */
  publicUrlDerived: boolean;
}

const UNSPECIFIED_HOSTS = new Set(['0.0.0.0', '::', '[::]', '']);

function checkPort(setting: ResolvedSetting, issues: SettingIssue[]): number {
  const { value, source } = setting;
  const text = typeof value === 'number' ? String(value) : typeof value === 'string' ? value.trim() : '';
  const port = /^\d{1,5}$/.test(text) ? Number(text) : Number.NaN;
  if (!(port >= 0 && port <= 65535)) {
    issues.push({
      key: 'port',
      source,
      message: 'must be a whole number from 0 to 65535 (0: any free port)',
    });
    return 0;
  }
  return port;
}

function checkString(key: SettingKey, setting: ResolvedSetting, issues: SettingIssue[]): string {
  if (typeof setting.value !== 'string' || setting.value.trim() === '') {
    issues.push({ key, source: setting.source, message: 'must be a non-empty string' });
    return '';
  }
  return setting.value.trim();
}

/** The URL peers reach us at when none is configured: our listening address (IPv6 in brackets). */
export function derivedPublicUrl(host: string, port: number): string {
  const h = host.includes(':') && !host.startsWith('[') ? `[${host}]` : host;
  return `http://${h}:${port}`;
}

/**
 * Checks the resolved settings and builds the node configuration. Throws a ServeConfigError
 * listing every problem, each with its key and source.
 */
export function checkServeSettings(settings: Record<SettingKey, ResolvedSetting>): ServeSettings {
  const issues: SettingIssue[] = [];
  const db = checkString('db', settings.db, issues);
  if (db !== '') {
    try {
      parseStoreUrl(db);
    } catch (error) {
      if (!(error instanceof StoreUrlError)) throw error;
      issues.push({ key: 'db', source: settings.db.source, message: error.message });
    }
  }
  const host = checkString('host', settings.host, issues);
  const port = checkPort(settings.port, issues);
  const logLevel = checkString('logLevel', settings.logLevel, issues).toLowerCase();
  if (logLevel !== '' && !LOG_LEVELS.includes(logLevel)) {
    issues.push({
      key: 'logLevel',
      source: settings.logLevel.source,
      message: `must be one of ${LOG_LEVELS.join(', ')}`,
    });
  }

  let publicUrl = settings.publicUrl.value;
  const publicUrlDerived = publicUrl === undefined;
  if (publicUrlDerived && host !== '') {
    if (UNSPECIFIED_HOSTS.has(host)) {
      issues.push({
        key: 'publicUrl',
        source: 'default',
        message: `is required when listening on all interfaces (host ${host}): the URL peers reach this node at`,
      });
    } else {
      publicUrl = derivedPublicUrl(host, port);
    }
  }
  const sourceOf = (key: string) => {
    const root = key.replace(/[[.].*$/, '') as SettingKey;
    if (root === 'publicUrl' && publicUrlDerived) return 'default: http://{host}:{port}';
    return settings[root]?.source ?? 'default';
  };
  let config: NodeConfig | undefined;
  try {
    config = validateNodeConfig({
      publicUrl,
      parties: settings.parties.value,
      versions: settings.versions.value,
      dev: settings.dev.value,
      adminToken: settings.adminToken.value,
      modules: settings.modules.value,
      pagination: settings.pagination.value,
      delivery: settings.delivery.value,
      sync: settings.sync.value,
      authorization: settings.authorization.value,
    });
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    const known = new Set(issues.map((i) => i.key));
    for (const issue of error.issues) {
      // A missing public URL we already explained (all-interfaces host) is not repeated.
      if (issue.key === 'publicUrl' && known.has('publicUrl')) continue;
      issues.push({ key: issue.key, source: sourceOf(issue.key), message: issue.message });
    }
  }
  if (issues.length > 0 || config === undefined) throw new ServeConfigError(issues);
  return { db, host, port, logLevel, config, publicUrlDerived };
}

/** Flags, environment and the config file (named by `--config` or ROAMKIT_CONFIG) to checked settings. */
export function loadServeSettings(
  flags: ServeFlags,
  env: Readonly<Record<string, string | undefined>>,
): ServeSettings {
  const path = flags.config ?? (env[CONFIG_ENV] === '' ? undefined : env[CONFIG_ENV]);
  const file = path === undefined ? undefined : readConfigFile(path);
  return checkServeSettings(resolveSettings(flags, env, file));
}
