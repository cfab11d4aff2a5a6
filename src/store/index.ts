/** The store: `openStore(url)`, its contract, token helpers and errors. */
export { type OpenStoreOptions, openStore, SqlStore } from './database.js';
export { KyselyDeliveryRepository } from './deliveries.js';
export { PeerNotFoundError, StoreError, UniqueViolationError } from './errors.js';
export { KyselyObjectRepository, OBJECT_KEYS_PER_STATEMENT, OBJECT_ROWS_PER_STATEMENT } from './objects.js';
export { hashToken, isTokenHash, newToken, TOKEN_BYTES, tokenMatchesHash } from './tokens.js';
export * from './types.js';
export {
  DEFAULT_SQLITE_PATH,
  parseStoreUrl,
  redactStoreUrl,
  type StoreLocation,
  StoreUrlError,
} from './url.js';
