/**
 * `roamkit tokens …`: an eMSP's own Tokens in the node's database (`--db`). Every change goes
 * through the publisher, like any object of ours: it is committed and, in the same transaction,
 * owed to every registered peer with a Tokens Receiver endpoint (the CPOs), which the running
 * node's delivery worker then sends.
 * - `import FILE|- --ocpi V [--party CC:PID]`: Tokens of version V (a JSON array, NDJSON, one
 *   object or a response envelope) in the canonical model, all or nothing;
 * - `list [--party CC:PID] [--valid|--invalid] [--format table|json|ndjson]`: our Tokens, streamed
 *   from the store;
 * - `block UID [--type T] [--party CC:PID]` and `unblock`: `valid` false or true; a CPO holding
 *   the token gets a PATCH.
 *
 * Exit codes: 0 done; 1 bad records (import), an unknown token, a database failure; 2 usage (bad
 * arguments, no usable database, a party that is not one of the node's eMSP parties).
 */
import { type Command, InvalidArgumentError } from 'commander';
import type { HostedParty, NodeConfig } from '../platform/config.js';
import { createPublisher, PublishError, receivesPushes } from '../platform/delivery/publisher.js';
import { DEFAULT_TOKEN_TYPE, tokenObjectId } from '../platform/object-modules.js';
import { findParty } from '../platform/parties.js';
import { OCPI_VERSIONS, type OcpiVersion } from '../protocol/index.js';
import type { SqlStore } from '../store/database.js';
import type { ObjectKey, OcpiObjectRecord, Store } from '../store/types.js';
import {
  checkImport,
  type DataIo,
  DB_OPTION,
  hostedList,
  type ImportCheck,
  type LossyTally,
  type ParsedRecords,
  type Party,
  parsePartyOption,
  parseVersion,
  partyLabel,
  publishProblems,
  type RecordProblem,
  readRecords,
  reportBadRecords,
  reportError,
} from './data.js';
import { checkNodeDatabase, databaseUrl, withNodeStore } from './node-context.js';
import { InputError } from './read-documents.js';

export interface TokensIo extends DataIo {
  /**
   * Whether standard output is a terminal: `tokens list` prints a table there and NDJSON
   * elsewhere (a pipe wants records). Default: process.stdout.isTTY.
   */
  isTerminal?: () => boolean;
}

// ---------------------------------------------------------------------------------------------
// Whose tokens: a Token belongs to the eMSP that issued it, so only the node's eMSP parties own one.

const emspParties = (config: NodeConfig) => config.parties.filter((p) => p.role === 'EMSP');

/** The node's eMSP party with these codes (CiStrings: compared without case). */
const hostedEmsp = (config: NodeConfig, party: Party): HostedParty | undefined =>
  findParty(emspParties(config), party.country_code, party.party_id);

/** `--party` of a tokens command: one of the node's eMSP parties, else a usage error. */
export function tokenParty(config: NodeConfig, given: Party, command: string): HostedParty {
  const emsp = hostedEmsp(config, given);
  if (emsp !== undefined) return emsp;
  const hosted = findParty(config.parties, given.country_code, given.party_id);
  throw new InputError(
    hosted === undefined
      ? `roamkit ${command}: --party ${partyLabel(given)} is not a party this node hosts (${hostedList(config)})`
      : `roamkit ${command}: --party ${partyLabel(given)} plays ${hosted.role}; Tokens belong to an eMSP`,
  );
}

/** The owner of 2.1.1 tokens (which name none): `--party`, else the node's first eMSP party. */
export function defaultTokenParty(
  config: NodeConfig,
  given: Party | undefined,
  command: string,
): HostedParty {
  if (given !== undefined) return tokenParty(config, given, command);
  const first = emspParties(config)[0];
  if (first === undefined) {
    throw new InputError(
      `roamkit ${command}: the node hosts no eMSP party (${hostedList(config)}); Tokens belong to an eMSP`,
    );
  }
  return first;
}

// ---------------------------------------------------------------------------------------------
// Import.

const isObject = (value: unknown): value is Record<string, unknown> =>
  value !== null && typeof value === 'object' && !Array.isArray(value);

/** A token has no `id`: its problems are named by uid instead. */
function withUid(problem: RecordProblem, records: readonly unknown[]): RecordProblem {
  const record = records[problem.index];
  if (problem.id !== undefined || !isObject(record) || typeof record.uid !== 'string') return problem;
  return { ...problem, id: record.uid };
}

/**
 * checkImport for Tokens (each record valid in `version`, converted to canonical), plus: a 2.2+
 * record's owner must be one of the node's eMSP parties, not only a party it hosts. 2.1.1
 * records belong to `party`, which the caller has checked.
 */
export function checkTokenImport(
  records: readonly unknown[],
  options: { version: OcpiVersion; party?: Party; config: NodeConfig },
  parseProblems: readonly RecordProblem[] = [],
): ImportCheck {
  const check = checkImport(records, { module: 'tokens', ...options }, parseProblems);
  const flagged = new Set(check.problems.map((p) => p.index));
  const notEmsp: RecordProblem[] = [];
  if (options.version !== '2.1.1') {
    records.forEach((record, index) => {
      // checkImport has already refused owners the node does not host at all.
      if (flagged.has(index) || !isObject(record)) return;
      const owner = {
        country_code: String(record.country_code).toUpperCase(),
        party_id: String(record.party_id).toUpperCase(),
      };
      if (hostedEmsp(options.config, owner) === undefined) {
        notEmsp.push({
          index,
          pointer: '/party_id',
          message: `owner ${partyLabel(owner)} is not an eMSP party of this node; Tokens belong to an eMSP`,
        });
      }
    });
  }
  const problems = [...check.problems, ...notEmsp]
    .sort((a, b) => a.index - b.index)
    .map((p) => withUid(p, records));
  return { documents: problems.length === 0 ? check.documents : [], problems, lossy: check.lossy };
}

export type TokenImportResult =
  | {
      ok: true;
      /** Tokens stored as new revisions (a token given exactly as stored is not). */
      changed: number;
      /** Records in the file. */
      records: number;
      lossy: LossyTally;
      /** 2.1.1: the party the tokens were given. */
      owner?: Party;
    }
  | { ok: false; problems: RecordProblem[]; records: number };

/**
 * Checks the records, converts them to canonical 2.3.0 and publishes them, all or nothing (one
 * transaction, which also owes them to every CPO peer). 2.1.1 tokens belong to `party`, else to
 * the node's first eMSP party; with 2.2+, `party` (when given) must own every record.
 */
export async function importTokens(
  store: Store,
  config: NodeConfig,
  parsed: ParsedRecords,
  options: { version: OcpiVersion; party?: Party },
): Promise<TokenImportResult> {
  const command = 'tokens import';
  const hosted =
    options.version === '2.1.1'
      ? defaultTokenParty(config, options.party, command)
      : options.party === undefined
        ? undefined
        : tokenParty(config, options.party, command);
  const party =
    hosted === undefined ? undefined : { country_code: hosted.country_code, party_id: hosted.party_id };
  const check = checkTokenImport(
    parsed.records,
    { version: options.version, config, ...(party === undefined ? {} : { party }) },
    parsed.problems,
  );
  const records = parsed.records.length;
  if (check.problems.length > 0) return { ok: false, problems: check.problems, records };
  let changed: number;
  try {
    changed = await createPublisher({ config, store }).putMany('tokens', check.documents);
  } catch (error) {
    // Refused against what is stored (an older last_updated, a key of a peer's token).
    if (!(error instanceof PublishError) || error.issues.length === 0) throw error;
    const problems = publishProblems(error, check.documents).map((p) => withUid(p, check.documents));
    return { ok: false, problems, records };
  }
  return {
    ok: true,
    changed,
    records,
    lossy: check.lossy,
    ...(options.version === '2.1.1' && party !== undefined ? { owner: party } : {}),
  };
}

/** The registered peers that take Tokens pushes from us (the CPOs owed every change). */
async function tokenReceivers(store: Store): Promise<string[]> {
  const peers = await store.peers.list({ status: 'REGISTERED' });
  return peers.filter((peer) => receivesPushes(peer, 'tokens')).map((peer) => peer.id);
}

const plural = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;

// ---------------------------------------------------------------------------------------------
// List.

/** What `tokens list` shows of a token. */
export interface TokenSummary {
  country_code: string;
  party_id: string;
  uid: string;
  type: string;
  contract_id: string;
  valid: boolean;
  whitelist: string;
  issuer: string;
  last_updated: string;
}

export function tokenSummary(record: Pick<OcpiObjectRecord, 'key' | 'data'>): TokenSummary {
  const { data } = record;
  const text = (field: string) => (data[field] === undefined ? '' : String(data[field]));
  return {
    country_code: record.key.countryCode,
    party_id: record.key.partyId,
    uid: text('uid'),
    type: text('type'),
    contract_id: text('contract_id'),
    valid: data.valid === true,
    whitelist: text('whitelist'),
    issuer: text('issuer'),
    last_updated: text('last_updated'),
  };
}

export interface TokenListFilter {
  /** Only this party's tokens. */
  party?: Party;
  /** Only valid (true) or only blocked (false) tokens. */
  valid?: boolean;
}

/** Calls `each` for every token of ours matching the filter, in store order; returns how many. */
export async function listTokens(
  store: Pick<Store, 'objects'>,
  filter: TokenListFilter,
  each: (token: TokenSummary) => void,
): Promise<number> {
  let count = 0;
  const parties =
    filter.party === undefined
      ? {}
      : { parties: [{ countryCode: filter.party.country_code, partyId: filter.party.party_id }] };
  for await (const record of store.objects.iterate({ module: 'tokens', peerId: null, ...parties })) {
    const token = tokenSummary(record);
    if (filter.valid !== undefined && token.valid !== filter.valid) continue;
    each(token);
    count++;
  }
  return count;
}

const TABLE_HEADER = ['party', 'uid', 'type', 'contract_id', 'valid', 'whitelist', 'issuer', 'last_updated'];

const tableCells = (t: TokenSummary): string[] => [
  `${t.country_code}/${t.party_id}`,
  t.uid,
  t.type,
  t.contract_id,
  t.valid ? 'yes' : 'no',
  t.whitelist,
  t.issuer,
  t.last_updated,
];

/**
 * A table written as rows come: the column widths are those of the first `sample` rows (a longer
 * value later pushes its row's next columns right), so a million tokens never sit in memory.
 */
export function tokenTable(
  write: (line: string) => void,
  sample = 200,
): { add: (token: TokenSummary) => void; end: () => void } {
  let held: string[][] | undefined = [TABLE_HEADER];
  let widths: number[] = [];
  const emit = (cells: string[]) =>
    write(
      cells
        .map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i] ?? 0)))
        .join('  ')
        .trimEnd(),
    );
  const flush = () => {
    if (held === undefined) return;
    const rows = held;
    widths = TABLE_HEADER.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length)));
    held = undefined;
    for (const row of rows) emit(row);
  };
  return {
    add: (token) => {
      if (held === undefined) emit(tableCells(token));
      else {
        held.push(tableCells(token));
        if (held.length - 1 > sample) flush();
      }
    },
    end: () => {
      if (held !== undefined && held.length === 1) {
        held = undefined;
        write('no tokens');
        return;
      }
      flush();
    },
  };
}

export type TokenListFormat = 'table' | 'json' | 'ndjson';

/** Writes the tokens in `format` through `write` (one call per line); returns how many. */
export async function writeTokenList(
  store: Pick<Store, 'objects'>,
  filter: TokenListFilter,
  format: TokenListFormat,
  write: (line: string) => void,
): Promise<number> {
  if (format === 'table') {
    const table = tokenTable(write);
    const count = await listTokens(store, filter, table.add);
    table.end();
    return count;
  }
  if (format === 'ndjson') return listTokens(store, filter, (token) => write(JSON.stringify(token)));
  // JSON: one array, one token per line; each line waits for the next to know its comma.
  write('[');
  let pending: string | undefined;
  const count = await listTokens(store, filter, (token) => {
    if (pending !== undefined) write(`${pending},`);
    pending = JSON.stringify(token);
  });
  if (pending !== undefined) write(pending);
  write(']');
  return count;
}

// ---------------------------------------------------------------------------------------------
// Block and unblock.

/** No token of ours with that uid and type: a failed action (exit 1), not a usage error. */
export class UnknownTokenError extends Error {
  override readonly name = 'UnknownTokenError';
}

export interface TokenValidityInput {
  uid: string;
  /** Default RFID (the Receiver's `type` default). */
  type?: string;
  /** Default: whichever of the node's eMSP parties has the token. */
  party?: Party;
  valid: boolean;
  /** The clock of the change's last_updated (tests). */
  now?: () => Date;
}

export interface TokenValidityChange {
  key: ObjectKey;
  uid: string;
  type: string;
  /** False when the token already had that validity (nothing stored, nothing owed). */
  changed: boolean;
  /** The token's revision after the command. */
  revision: number;
  /** The peers (CPOs) now owed that revision. */
  owedTo: string[];
}

/** Finds our token by uid and type among the eMSP parties (or `party`). */
async function findOurToken(
  store: Store,
  config: NodeConfig,
  input: Pick<TokenValidityInput, 'uid' | 'party'> & { type: string },
  command: string,
): Promise<OcpiObjectRecord> {
  const parties =
    input.party === undefined ? emspParties(config) : [tokenParty(config, input.party, command)];
  if (parties.length === 0) {
    throw new InputError(
      `roamkit ${command}: the node hosts no eMSP party (${hostedList(config)}); Tokens belong to an eMSP`,
    );
  }
  const id = tokenObjectId(input.uid, input.type);
  const keys = parties.map((p) => ({ countryCode: p.country_code, partyId: p.party_id, id }));
  const found = (await store.objects.getMany('tokens', keys)).filter((r) => r.peerId === null && !r.deleted);
  const [record, other] = found;
  if (record === undefined) {
    const of = input.party === undefined ? '' : ` of ${partyLabel(input.party)}`;
    const hint = input.type === DEFAULT_TOKEN_TYPE ? ` (another type? give --type)` : '';
    throw new UnknownTokenError(
      `no token of ours with uid ${input.uid} and type ${input.type}${of}${hint}; see roamkit tokens list`,
    );
  }
  if (other !== undefined) {
    const owners = found.map((r) => `${r.key.countryCode}/${r.key.partyId}`).join(', ');
    throw new InputError(
      `roamkit ${command}: ${input.type} token ${input.uid} is a token of several of our parties (${owners}): give --party`,
    );
  }
  return record;
}

/**
 * Sets a token's `valid` through the publisher (a PATCH of the token: `valid` and last_updated),
 * so each CPO peer is owed the change in the same transaction. A token already so is left alone.
 */
export async function setTokenValid(
  store: Store,
  config: NodeConfig,
  input: TokenValidityInput,
): Promise<TokenValidityChange> {
  const command = `tokens ${input.valid ? 'unblock' : 'block'}`;
  const type = (input.type ?? DEFAULT_TOKEN_TYPE).toUpperCase();
  const stored = await findOurToken(store, config, { uid: input.uid, type, party: input.party }, command);
  const base = { key: stored.key, uid: input.uid, type };
  if (stored.data.valid === input.valid) {
    return { ...base, changed: false, revision: stored.revision, owedTo: [] };
  }
  const publisher = createPublisher({
    config,
    store,
    ...(input.now === undefined ? {} : { now: input.now }),
  });
  let record: OcpiObjectRecord;
  try {
    record = await publisher.patch('tokens', stored.key, [], { valid: input.valid });
  } catch (error) {
    // Gone between the read and the change.
    if (error instanceof PublishError && error.kind === 'unknown_object') {
      throw new UnknownTokenError(error.message);
    }
    throw error;
  }
  const owedTo: string[] = [];
  for (const peerId of await tokenReceivers(store)) {
    const row = await store.deliveries.get(peerId, 'tokens', record.key);
    if (row !== undefined && row.state !== 'DONE' && row.pendingRevision >= record.revision)
      owedTo.push(peerId);
  }
  return { ...base, changed: true, revision: record.revision, owedTo };
}

// ---------------------------------------------------------------------------------------------
// The commands.

function parseListFormat(value: string): TokenListFormat {
  const format = value.trim().toLowerCase();
  if (format !== 'table' && format !== 'json' && format !== 'ndjson') {
    throw new InvalidArgumentError('use table, json or ndjson');
  }
  return format;
}

function parseTokenType(value: string): string {
  const type = value.trim().toUpperCase();
  // TokenType values are upper-case words (2.3.0's list is open); a colon would break the key id.
  if (!/^[A-Z][A-Z0-9_]*$/.test(type)) throw new InvalidArgumentError('use a TokenType, e.g. RFID, APP_USER');
  return type;
}

/** reportError, with an unknown token as a failed action (exit 1). */
function report(error: unknown, command: string, url: string, io: DataIo): number {
  if (error instanceof UnknownTokenError) {
    io.err(`roamkit ${command}: ${error.message}`);
    return 1;
  }
  return reportError(error, command, url, io);
}

interface ImportOptions {
  ocpi: OcpiVersion;
  party?: Party;
  db?: string;
}

interface ListOptions {
  party?: Party;
  valid?: boolean;
  invalid?: boolean;
  format?: TokenListFormat;
  db?: string;
}

interface ValidityOptions {
  type?: string;
  party?: Party;
  db?: string;
}

export function addTokensCommand(program: Command, io: TokensIo): Command {
  const env = () => io.env ?? process.env;
  const tokens = program
    .command('tokens')
    .description(
      "the node's own Tokens (eMSP): import, list, block and unblock; every change is owed to the CPO peers by push",
    );

  tokens
    .command('import')
    .description('import Tokens of one OCPI version from a JSON array or NDJSON file, all or nothing')
    .argument(
      '<file>',
      'a JSON array, NDJSON (one Token per line), or a response envelope; - reads standard input',
    )
    .requiredOption(
      '--ocpi <version>',
      `the OCPI version of the records: ${OCPI_VERSIONS.join(', ')}`,
      parseVersion,
    )
    .option(
      '--party <CC:PID>',
      "the eMSP owning 2.1.1 tokens (default: the node's first eMSP party); with 2.2+, the owner every record must name",
      parsePartyOption,
    )
    .option(...DB_OPTION)
    .action(async (file: string, options: ImportOptions) => {
      const command = 'tokens import';
      const url = databaseUrl(options.db, env());
      try {
        checkNodeDatabase(url, command);
        const parsed = readRecords(file, io, command);
        if (parsed === undefined) {
          process.exitCode = 1;
          return;
        }
        process.exitCode = await withNodeStore(url, async (store: SqlStore, config) => {
          const result = await importTokens(store, config, parsed, {
            version: options.ocpi,
            ...(options.party === undefined ? {} : { party: options.party }),
          });
          if (!result.ok) return reportBadRecords(io, file, result.problems, result.records);
          if (result.lossy.size > 0) {
            io.err(`converting ${options.ocpi} to the canonical model applied lossy mappings:`);
            for (const line of result.lossy.lines()) io.err(line);
          }
          const unchanged = result.records - result.changed;
          const owner = result.owner === undefined ? '' : ` for ${partyLabel(result.owner)}`;
          io.out(
            `imported ${plural(result.changed, 'token', 'tokens')}${owner} from ${file}` +
              (unchanged > 0 ? ` (${unchanged} unchanged, already stored as given)` : ''),
          );
          if (result.changed > 0) {
            const receivers = (await tokenReceivers(store)).length;
            io.out(
              receivers === 0
                ? 'no registered CPO peer takes Tokens pushes yet'
                : `owed to ${plural(receivers, 'CPO peer', 'CPO peers')}; the running node pushes them`,
            );
          }
          return 0;
        });
      } catch (error) {
        process.exitCode = report(error, command, url, io);
      }
    });

  tokens
    .command('list')
    .description("list the node's own Tokens: uid, type, contract_id, valid, whitelist, issuer, last_updated")
    .option('--party <CC:PID>', 'only the tokens of this eMSP party', parsePartyOption)
    .option('--valid', 'only valid tokens')
    .option('--invalid', 'only blocked (invalid) tokens')
    .option(
      '--format <format>',
      'table, json (an array) or ndjson (default: table on a terminal, else ndjson)',
      parseListFormat,
    )
    .option(...DB_OPTION)
    .action(async (options: ListOptions) => {
      const command = 'tokens list';
      const url = databaseUrl(options.db, env());
      try {
        if (options.valid && options.invalid) {
          throw new InputError(`roamkit ${command}: give --valid or --invalid, not both`);
        }
        checkNodeDatabase(url, command);
        const terminal = io.isTerminal?.() ?? process.stdout.isTTY === true;
        const format = options.format ?? (terminal ? 'table' : 'ndjson');
        const count = await withNodeStore(url, async (store, config) => {
          const party = options.party === undefined ? undefined : tokenParty(config, options.party, command);
          const filter: TokenListFilter = {
            ...(party === undefined ? {} : { party }),
            ...(options.valid ? { valid: true } : options.invalid ? { valid: false } : {}),
          };
          return writeTokenList(store, filter, format, io.out);
        });
        // The count on stderr: standard output stays the records alone.
        if (format !== 'table') io.err(`listed ${plural(count, 'token', 'tokens')}`);
        process.exitCode = 0;
      } catch (error) {
        process.exitCode = report(error, command, url, io);
      }
    });

  for (const valid of [false, true]) {
    const name = valid ? 'unblock' : 'block';
    tokens
      .command(name)
      .description(
        valid
          ? 'make a blocked token valid again; the CPO peers get the change (a PATCH) by push'
          : 'block a token (valid: false); the CPO peers get the change (a PATCH) by push',
      )
      .argument('<uid>', "the token's uid")
      .option('--type <type>', `the token's type (default ${DEFAULT_TOKEN_TYPE})`, parseTokenType)
      .option(
        '--party <CC:PID>',
        'the eMSP party owning the token (default: the one of our eMSP parties that has it)',
        parsePartyOption,
      )
      .option(...DB_OPTION)
      .action(async (uid: string, options: ValidityOptions) => {
        const command = `tokens ${name}`;
        const url = databaseUrl(options.db, env());
        try {
          checkNodeDatabase(url, command);
          const result = await withNodeStore(url, (store, config) =>
            setTokenValid(store, config, {
              uid,
              valid,
              ...(options.type === undefined ? {} : { type: options.type }),
              ...(options.party === undefined ? {} : { party: options.party }),
              ...(io.now === undefined ? {} : { now: io.now }),
            }),
          );
          const token = `${result.type} token ${result.uid} of ${result.key.countryCode}/${result.key.partyId}`;
          if (!result.changed) {
            io.out(`${token} is already ${valid ? 'valid' : 'blocked'}; nothing changed`);
          } else {
            io.out(`${valid ? 'unblocked' : 'blocked'} ${token} (valid: ${valid})`);
            io.out(
              result.owedTo.length === 0
                ? 'no registered CPO peer takes Tokens pushes yet'
                : `owed to ${plural(result.owedTo.length, 'CPO peer', 'CPO peers')}; the running node sends the change`,
            );
          }
          process.exitCode = 0;
        } catch (error) {
          process.exitCode = report(error, command, url, io);
        }
      });
  }

  return tokens;
}
