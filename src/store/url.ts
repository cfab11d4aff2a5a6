/**
 * `--db` values: `sqlite:PATH` (also `sqlite://PATH`; `sqlite:` alone means the default file;
 * `sqlite::memory:` a private in-memory database) or `postgres://…` / `postgresql://…`, which may
 * carry `?schema=NAME` to keep the node's tables in their own schema (several nodes, or test
 * runs, sharing one database). Pure: no I/O.
 */

export const DEFAULT_SQLITE_PATH = './data/roamkit.db';

export type StoreLocation =
  | { dialect: 'sqlite'; path: string; memory: boolean }
  | { dialect: 'postgres'; connectionString: string; schema: string | undefined };

/** A schema name we can put in `search_path` and DDL without quoting rules: lowercase SQL identifier. */
const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,62}$/;

export function isValidSchemaName(name: string): boolean {
  return SCHEMA_NAME.test(name);
}

export class StoreUrlError extends Error {
  override name = 'StoreUrlError';
}

/** The URL with any password replaced, for messages. */
export function redactStoreUrl(url: string): string {
  return url.replace(/^([a-z][a-z0-9+.-]*:\/\/[^:/@]*):[^@/]*@/i, '$1:***@');
}

export function parseStoreUrl(url: string, options: { schema?: string } = {}): StoreLocation {
  const sqlite = /^sqlite:(.*)$/i.exec(url);
  if (sqlite) {
    let path = sqlite[1] ?? '';
    if (path.startsWith('//')) path = path.slice(2);
    if (path === '') path = DEFAULT_SQLITE_PATH;
    if (options.schema !== undefined) {
      throw new StoreUrlError('a schema applies to PostgreSQL only, not to sqlite: URLs');
    }
    return { dialect: 'sqlite', path, memory: path === ':memory:' };
  }
  if (/^postgres(ql)?:\/\//i.test(url)) {
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      throw new StoreUrlError(`not a valid PostgreSQL URL: ${redactStoreUrl(url)}`);
    }
    const fromUrl = parsed.searchParams.get('schema') ?? undefined;
    parsed.searchParams.delete('schema');
    if (fromUrl !== undefined && options.schema !== undefined && fromUrl !== options.schema) {
      throw new StoreUrlError(`two different schemas given: ${fromUrl} (URL) and ${options.schema}`);
    }
    const schema = options.schema ?? fromUrl;
    if (schema !== undefined && !isValidSchemaName(schema)) {
      throw new StoreUrlError(
        `schema ${JSON.stringify(schema)} is not a lowercase SQL identifier ([a-z_][a-z0-9_]*, at most 63 characters)`,
      );
    }
    return { dialect: 'postgres', connectionString: parsed.toString(), schema };
  }
  throw new StoreUrlError(
    `unsupported database URL ${JSON.stringify(redactStoreUrl(url))}: use sqlite:PATH, sqlite::memory: or postgres://…`,
  );
}
