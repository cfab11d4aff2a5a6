/**
 * Data in and out of a node's database:
 * - `roamkit seed --locations N [--seed S] [--party CC:PID]`: realistic Locations and Tariffs of a
 *   CPO party (src/platform/seed/), published like any change of ours (peers get them by push);
 * - `roamkit import locations|tariffs FILE --ocpi V [--party CC:PID]`: documents of version V (a
 *   JSON array, NDJSON, a single object or a response envelope), all or nothing;
 * - `roamkit export locations|tariffs --ocpi V [--peer ID] [--format ndjson|json] [--out FILE]`:
 *   our objects (or a peer's) in version V, streamed from the store.
 *
 * Exit codes: 0 done; 1 bad records (import), objects that could not be published or converted,
 * a database failure; 2 usage (bad arguments, no usable database, unknown party or peer).
 */
import { closeSync, openSync, readFileSync, writeSync } from 'node:fs';
import { type Command, InvalidArgumentError } from 'commander';
import { ConversionError, fromCanonical, LOSSY_MAPPINGS, toCanonical } from '../model/index.js';
import type { HostedParty, NodeConfig } from '../platform/config.js';
import { parsePartyArgument } from '../platform/delivery/input.js';
import { createPublisher, OBJECT_TYPES, PublishError } from '../platform/delivery/publisher.js';
import { generateSeed, TARIFF_KINDS } from '../platform/seed/index.js';
import {
  findSchema,
  isOcpiVersion,
  OCPI_VERSIONS,
  type OcpiVersion,
  schemasByVersion,
  validate,
} from '../protocol/index.js';
import type { SqlStore } from '../store/database.js';
import { StoreError } from '../store/errors.js';
import { OBJECT_MODULES, type ObjectModule, type Store } from '../store/types.js';
import { redactStoreUrl } from '../store/url.js';
import { checkNodeDatabase, databaseUrl, withNodeStore } from './node-context.js';
import { InputError, isEnvelope } from './read-documents.js';

type Env = Readonly<Record<string, string | undefined>>;

export interface DataIo {
  out: (line: string) => void;
  err: (line: string) => void;
  /** Default: process.env (ROAMKIT_DB). */
  env?: Env;
  /** Standard input's text, for FILE `-` (tests). Default: read file descriptor 0. */
  stdin?: () => string;
  /** The clock seed data is stamped with (tests). Default: now. */
  now?: () => Date;
}

export interface Party {
  country_code: string;
  party_id: string;
}

// ---------------------------------------------------------------------------------------------
// Arguments.

export function parseVersion(value: string): OcpiVersion {
  if (!isOcpiVersion(value)) throw new InvalidArgumentError(`use one of ${OCPI_VERSIONS.join(', ')}`);
  return value;
}

/** `NL:RMK` (also `NL/RMK`, `NL-RMK`) → { country_code, party_id }, upper case. */
export function parsePartyOption(value: string): Party {
  const party = parsePartyArgument(value);
  if (party === undefined) throw new InvalidArgumentError('use COUNTRY:PARTY, e.g. NL:RMK');
  return party;
}

function parseCount(value: string): number {
  const n = /^\d+$/.test(value.trim()) ? Number(value) : Number.NaN;
  if (!Number.isSafeInteger(n)) throw new InvalidArgumentError('use a whole number, e.g. 1000');
  return n;
}

function parseTariffCount(value: string): number {
  const n = parseCount(value);
  if (n < 1 || n > TARIFF_KINDS.length) throw new InvalidArgumentError(`use 1 to ${TARIFF_KINDS.length}`);
  return n;
}

function parseFormat(value: string): 'ndjson' | 'json' {
  const format = value.trim().toLowerCase();
  if (format !== 'ndjson' && format !== 'json') throw new InvalidArgumentError('use ndjson or json');
  return format;
}

function parseModule(command: string, value: string): ObjectModule {
  const module = value.trim().toLowerCase();
  if (!(OBJECT_MODULES as readonly string[]).includes(module)) {
    throw new InputError(
      `roamkit ${command}: '${value}' is not a module (use ${OBJECT_MODULES.join(' or ')})`,
    );
  }
  return module as ObjectModule;
}

export const partyLabel = (party: Party) => `${party.country_code}/${party.party_id}`;

function findHosted(config: NodeConfig, party: Party): HostedParty | undefined {
  return config.parties.find((p) => p.country_code === party.country_code && p.party_id === party.party_id);
}

export const hostedList = (config: NodeConfig) =>
  config.parties.map((p) => `${partyLabel(p)} (${p.role})`).join(', ');

// ---------------------------------------------------------------------------------------------
// Reading records: a JSON array, NDJSON, one object, or a response envelope.

export interface RecordProblem {
  /** The record's position in the file (0-based; NDJSON: among the non-empty lines). */
  index: number;
  /** The record's id, when it has one. */
  id?: string;
  pointer: string;
  message: string;
}

export interface ParsedRecords {
  records: unknown[];
  /** Records that are not JSON at all (NDJSON lines); their index keeps its place in `records`. */
  problems: RecordProblem[];
}

/**
 * The records of a file. A text starting with `[` is one JSON array; one JSON value that is an
 * object is a single record (a response envelope: its `data`); anything else is NDJSON, one
 * record per non-empty line, a line that is not JSON being a bad record (the others still count).
 */
export function parseRecords(text: string): ParsedRecords {
  const trimmed = text.replace(/^\uFEFF/, '').trim();
  if (trimmed === '') return { records: [], problems: [] };
  if (trimmed.startsWith('[')) {
    let value: unknown;
    try {
      value = JSON.parse(trimmed);
    } catch (error) {
      throw new InputError(`not JSON: ${(error as Error).message}`);
    }
    return { records: value as unknown[], problems: [] };
  }
  try {
    const value: unknown = JSON.parse(trimmed);
    if (isEnvelope(value)) {
      const data = value.data;
      return { records: Array.isArray(data) ? data : data === undefined ? [] : [data], problems: [] };
    }
    return { records: [value], problems: [] };
  } catch {
    // Not one JSON value: NDJSON.
  }
  const records: unknown[] = [];
  const problems: RecordProblem[] = [];
  for (const line of trimmed.split(/\r?\n/)) {
    if (line.trim() === '') continue;
    try {
      records.push(JSON.parse(line));
    } catch (error) {
      problems.push({ index: records.length, pointer: '', message: `not JSON: ${(error as Error).message}` });
      records.push(undefined);
    }
  }
  return { records, problems };
}

export function readInput(file: string, io: DataIo, command: string): string {
  try {
    return file === '-' ? (io.stdin ?? (() => readFileSync(0, 'utf8')))() : readFileSync(file, 'utf8');
  } catch (error) {
    throw new InputError(`roamkit ${command}: ${file}: cannot read: ${(error as Error).message}`);
  }
}

/** `FILE: record INDEX (id ID): /pointer message` */
export function formatRecordProblem(file: string, problem: RecordProblem): string {
  const id = problem.id === undefined ? '' : ` (id ${problem.id})`;
  return `${file}: record ${problem.index}${id}: ${problem.pointer || '/'} ${problem.message}`;
}

/** FILE's records (a command's input); undefined, said on stderr, when the text holds none. */
export function readRecords(file: string, io: DataIo, command: string): ParsedRecords | undefined {
  const text = readInput(file, io, command);
  try {
    return parseRecords(text);
  } catch (error) {
    if (!(error instanceof InputError)) throw error;
    io.err(`${file}: ${error.message}`);
    return undefined;
  }
}

/** An all-or-nothing import refused: every problem, then how many records are bad. Exit 1. */
export function reportBadRecords(
  io: DataIo,
  file: string,
  problems: readonly RecordProblem[],
  records: number,
): number {
  for (const problem of problems) io.err(formatRecordProblem(file, problem));
  const bad = new Set(problems.map((p) => p.index)).size;
  io.err(`${file}: ${bad} of ${records} records are bad; nothing imported`);
  return 1;
}

// ---------------------------------------------------------------------------------------------
// Lossy mappings, counted per id.

const LOSSY_BY_ID = new Map(LOSSY_MAPPINGS.map((m) => [m.id, m]));

/** How often each lossy mapping applied, and to how many objects. */
export class LossyTally {
  private readonly byId = new Map<string, { times: number; objects: number }>();

  add(applied: readonly { id: string }[]): void {
    const seen = new Set<string>();
    for (const { id } of applied) {
      const entry = this.byId.get(id) ?? { times: 0, objects: 0 };
      entry.times++;
      if (!seen.has(id)) entry.objects++;
      seen.add(id);
      this.byId.set(id, entry);
    }
  }

  get size(): number {
    return this.byId.size;
  }

  counts(): Record<string, { times: number; objects: number }> {
    return Object.fromEntries([...this.byId.entries()].sort(([a], [b]) => a.localeCompare(b)));
  }

  /** One line per id: `  Connector.max-electric-power-dropped (loses): 12 times in 5 objects`. */
  lines(): string[] {
    return Object.entries(this.counts()).map(([id, { times, objects }]) => {
      const kind = LOSSY_BY_ID.get(id)?.kind;
      return `  ${id}${kind === undefined ? '' : ` (${kind})`}: ${times} time${times === 1 ? '' : 's'} in ${objects} object${objects === 1 ? '' : 's'}`;
    });
  }
}

// ---------------------------------------------------------------------------------------------
// Import: check every record in its version, convert up, publish all or nothing.

export interface ImportCheck {
  /** Canonical documents, in file order (only when there are no problems). */
  documents: Record<string, unknown>[];
  problems: RecordProblem[];
  lossy: LossyTally;
}

const recordId = (record: unknown): string | undefined => {
  if (record === null || typeof record !== 'object' || Array.isArray(record)) return undefined;
  const id = (record as Record<string, unknown>).id;
  return typeof id === 'string' || typeof id === 'number' ? String(id) : undefined;
};

/**
 * Checks records of `version` and converts them to canonical. 2.1.1 records carry no owner: they
 * belong to `party`. 2.2+ records name their owner, which must be a party the node hosts (and
 * `party`, when given).
 */
export function checkImport(
  records: readonly unknown[],
  options: { module: ObjectModule; version: OcpiVersion; party?: Party; config: NodeConfig },
  parseProblems: readonly RecordProblem[] = [],
): ImportCheck {
  const type = OBJECT_TYPES[options.module];
  const schema = findSchema(schemasByVersion[options.version], type);
  if (schema === undefined) throw new Error(`no ${type} schema in OCPI ${options.version}`);
  const problems: RecordProblem[] = [...parseProblems];
  const unreadable = new Set(parseProblems.map((p) => p.index));
  const documents: Record<string, unknown>[] = [];
  const lossy = new LossyTally();

  records.forEach((record, index) => {
    if (unreadable.has(index)) return;
    const id = recordId(record);
    const bad = (pointer: string, message: string) =>
      problems.push({ index, ...(id === undefined ? {} : { id }), pointer, message });
    const result = validate(schema, record);
    if (!result.valid) {
      for (const issue of result.issues) bad(issue.pointer, issue.message);
      return;
    }
    const doc = record as Record<string, unknown>;
    let owner: Party;
    if (options.version === '2.1.1') {
      owner = options.party as Party;
    } else {
      owner = {
        country_code: String(doc.country_code).toUpperCase(),
        party_id: String(doc.party_id).toUpperCase(),
      };
      if (findHosted(options.config, owner) === undefined) {
        bad(
          '/country_code',
          `owner ${partyLabel(owner)} is not a party this node hosts (${hostedList(options.config)})`,
        );
        return;
      }
      if (
        options.party !== undefined &&
        (owner.country_code !== options.party.country_code || owner.party_id !== options.party.party_id)
      ) {
        bad('/party_id', `owner ${partyLabel(owner)} is not the --party ${partyLabel(options.party)}`);
        return;
      }
    }
    try {
      const converted = toCanonical(type, options.version, doc, { party: owner });
      lossy.add(converted.lossy);
      documents.push(converted.value);
    } catch (error) {
      if (!(error instanceof ConversionError)) throw error;
      bad('', error.message);
    }
  });
  problems.sort((a, b) => a.index - b.index);
  return { documents: problems.length === 0 ? documents : [], problems, lossy };
}

/** PublishError issues (pointers `/INDEX/…`) as record problems. */
export function publishProblems(
  error: PublishError,
  documents: readonly Record<string, unknown>[],
): RecordProblem[] {
  return error.issues.map((issue) => {
    const match = /^\/(\d+)(.*)$/.exec(issue.pointer);
    const index = match === null ? 0 : Number(match[1]);
    const id = recordId(documents[index]);
    return {
      index,
      ...(id === undefined ? {} : { id }),
      pointer: match === null ? issue.pointer : (match[2] ?? ''),
      message: issue.message,
    };
  });
}

// ---------------------------------------------------------------------------------------------
// Export: stream stored objects, converted to the version asked for.

export interface ExportOptions {
  module: ObjectModule;
  version: OcpiVersion;
  /** Null: our own objects; a peer id: those received from it. */
  peerId: string | null;
  format: 'ndjson' | 'json';
}

export interface ExportResult {
  count: number;
  lossy: LossyTally;
  /** Objects that could not be converted (left out), with why. */
  failures: { id: string; message: string }[];
}

/**
 * Writes every matching object, converted to `version`, through `write` (one call per line: an
 * NDJSON record, or the lines of a JSON array with one object per line).
 */
export async function exportObjects(
  store: Pick<Store, 'objects'>,
  options: ExportOptions,
  write: (line: string) => void,
): Promise<ExportResult> {
  const type = OBJECT_TYPES[options.module];
  const lossy = new LossyTally();
  const failures: ExportResult['failures'] = [];
  let count = 0;
  // JSON: hold one line back, so the last one is written without its comma.
  let pending: string | undefined;
  if (options.format === 'json') write('[');
  for await (const record of store.objects.iterate({ module: options.module, peerId: options.peerId })) {
    let converted: ReturnType<typeof fromCanonical>;
    try {
      // The owner is the record's own: a 2.1.1 document dropping it loses nothing of its context.
      converted = fromCanonical(type, options.version, record.data, {
        party: { country_code: record.key.countryCode, party_id: record.key.partyId },
      });
    } catch (error) {
      if (!(error instanceof ConversionError)) throw error;
      failures.push({
        id: `${record.key.countryCode}/${record.key.partyId}/${record.key.id}`,
        message: error.message,
      });
      continue;
    }
    lossy.add(converted.lossy);
    count++;
    const line = JSON.stringify(converted.value);
    if (options.format === 'ndjson') write(line);
    else {
      if (pending !== undefined) write(`${pending},`);
      pending = line;
    }
  }
  if (options.format === 'json') {
    if (pending !== undefined) write(pending);
    write(']');
  }
  return { count, lossy, failures };
}

/** Lines into a file, written in chunks (a million objects never sit in memory). */
function fileWriter(path: string, command: string): { write: (line: string) => void; close: () => void } {
  let fd: number;
  try {
    fd = openSync(path, 'w');
  } catch (error) {
    throw new InputError(`roamkit ${command}: --out ${path}: ${(error as Error).message}`);
  }
  let buffer: string[] = [];
  let size = 0;
  const flush = () => {
    if (buffer.length === 0) return;
    writeSync(fd, buffer.join(''));
    buffer = [];
    size = 0;
  };
  return {
    write: (line) => {
      buffer.push(line, '\n');
      size += line.length + 1;
      if (size >= 1 << 16) flush();
    },
    close: () => {
      try {
        flush();
      } finally {
        closeSync(fd);
      }
    },
  };
}

// ---------------------------------------------------------------------------------------------
// Seed.

export interface SeedCommandResult {
  party: Party;
  tariffs: number;
  locations: number;
  evses: number;
  connectors: number;
  /** Objects stored as new revisions (unchanged ones are not). */
  changed: { tariffs: number; locations: number };
}

/** The party to seed: --party (hosted, a CPO), else the node's first CPO party. */
export function seedParty(config: NodeConfig, given: Party | undefined): HostedParty {
  if (given !== undefined) {
    const hosted = findHosted(config, given);
    if (hosted === undefined) {
      throw new InputError(
        `roamkit seed: ${partyLabel(given)} is not a party this node hosts (${hostedList(config)})`,
      );
    }
    if (hosted.role !== 'CPO') {
      throw new InputError(
        `roamkit seed: ${partyLabel(given)} plays ${hosted.role}; Locations belong to a CPO`,
      );
    }
    return hosted;
  }
  const cpo = config.parties.find((p) => p.role === 'CPO');
  if (cpo === undefined) {
    throw new InputError(`roamkit seed: the node hosts no CPO party (${hostedList(config)}); give --party`);
  }
  return cpo;
}

/** Generates and publishes: tariffs first, so every connector's tariff_ids name a stored Tariff. */
export async function seedNode(
  store: Store,
  config: NodeConfig,
  options: { locations: number; seed: string; party: HostedParty; now: Date; tariffs?: number },
): Promise<SeedCommandResult> {
  const party = { country_code: options.party.country_code, party_id: options.party.party_id };
  const data = generateSeed({
    locations: options.locations,
    seed: options.seed,
    party,
    now: options.now,
    operator: options.party.business_details,
    ...(options.tariffs === undefined ? {} : { tariffs: options.tariffs }),
  });
  const publisher = createPublisher({ config, store, now: () => options.now });
  // One transaction: the tariffs and the locations whose connectors reference them, or nothing.
  const changed = await publisher.putAll([
    { module: 'tariffs', documents: data.tariffs as unknown as Record<string, unknown>[] },
    { module: 'locations', documents: data.locations as unknown as Record<string, unknown>[] },
  ]);
  let evses = 0;
  let connectors = 0;
  for (const location of data.locations) {
    evses += location.evses?.length ?? 0;
    for (const evse of location.evses ?? []) connectors += evse.connectors.length;
  }
  return {
    party,
    tariffs: data.tariffs.length,
    locations: data.locations.length,
    evses,
    connectors,
    changed: { tariffs: changed.tariffs ?? 0, locations: changed.locations ?? 0 },
  };
}

// ---------------------------------------------------------------------------------------------
// The commands.

/** The error a command reports, as an exit code (anything else is a bug and propagates). */
export function reportError(error: unknown, command: string, url: string, io: DataIo): number {
  if (error instanceof InputError) {
    io.err(error.message);
    return 2;
  }
  if (error instanceof PublishError) {
    io.err(`roamkit ${command}: ${error.message}`);
    return 1;
  }
  if (error instanceof StoreError) {
    io.err(`roamkit ${command}: cannot use the database ${redactStoreUrl(url)}: ${error.message}`);
    return 1;
  }
  throw error;
}

interface SeedOptions {
  locations: number;
  seed: string;
  party?: Party;
  tariffs?: number;
  db?: string;
}

interface ImportOptions {
  ocpi: OcpiVersion;
  party?: Party;
  db?: string;
}

interface ExportCommandOptions {
  ocpi: OcpiVersion;
  peer?: string;
  format: 'ndjson' | 'json';
  out?: string;
  db?: string;
}

export const DB_OPTION = [
  '--db <url>',
  "the node's database: sqlite:PATH or postgres://… (env ROAMKIT_DB)",
] as const;

export function addDataCommands(program: Command, io: DataIo): Command {
  const env = () => io.env ?? process.env;

  program
    .command('seed')
    .description(
      'generate realistic Locations and Tariffs of a CPO party and publish them (peers get them by push)',
    )
    .requiredOption('--locations <n>', 'how many Locations', parseCount)
    .option('--seed <s>', 'any text; the same seed gives the same data', '1')
    .option(
      '--party <CC:PID>',
      "the CPO party owning them (default: the node's first CPO party)",
      parsePartyOption,
    )
    .option(
      '--tariffs <n>',
      `how many Tariffs, 1 to ${TARIFF_KINDS.length} (default: chosen by the seed)`,
      parseTariffCount,
    )
    .option(...DB_OPTION)
    .action(async (options: SeedOptions) => {
      const url = databaseUrl(options.db, env());
      try {
        checkNodeDatabase(url, 'seed');
        const result = await withNodeStore(url, async (store: SqlStore, config) => {
          const party = seedParty(config, options.party);
          return seedNode(store, config, {
            locations: options.locations,
            seed: options.seed,
            party,
            now: io.now?.() ?? new Date(),
            ...(options.tariffs === undefined ? {} : { tariffs: options.tariffs }),
          });
        });
        io.out(
          `seeded ${partyLabel(result.party)} (seed ${options.seed}): ${result.tariffs} tariffs, ${result.locations} locations, ` +
            `${result.evses} EVSEs, ${result.connectors} connectors`,
        );
        io.out(
          `stored ${result.changed.tariffs} tariffs and ${result.changed.locations} locations as new or changed; ` +
            'registered peers get them by push',
        );
        process.exitCode = 0;
      } catch (error) {
        process.exitCode = reportError(error, 'seed', url, io);
      }
    });

  program
    .command('import')
    .description(
      'import Locations or Tariffs of one OCPI version from a JSON array or NDJSON file, all or nothing',
    )
    .argument('<module>', OBJECT_MODULES.join(' or '))
    .argument(
      '<file>',
      'a JSON array, NDJSON (one object per line), or a response envelope; - reads standard input',
    )
    .requiredOption(
      '--ocpi <version>',
      `the OCPI version of the records: ${OCPI_VERSIONS.join(', ')}`,
      parseVersion,
    )
    .option(
      '--party <CC:PID>',
      'the owner of 2.1.1 records (which name none); with 2.2+, the owner every record must name',
      parsePartyOption,
    )
    .option(...DB_OPTION)
    .action(async (moduleArg: string, file: string, options: ImportOptions) => {
      const url = databaseUrl(options.db, env());
      try {
        const module = parseModule('import', moduleArg);
        if (options.ocpi === '2.1.1' && options.party === undefined) {
          throw new InputError('roamkit import: 2.1.1 records name no owner: give --party CC:PID');
        }
        checkNodeDatabase(url, 'import');
        const parsed = readRecords(file, io, 'import');
        if (parsed === undefined) {
          process.exitCode = 1;
          return;
        }
        process.exitCode = await withNodeStore(url, async (store, config) => {
          if (options.party !== undefined && findHosted(config, options.party) === undefined) {
            throw new InputError(
              `roamkit import: --party ${partyLabel(options.party)} is not a party this node hosts (${hostedList(config)})`,
            );
          }
          const check = checkImport(
            parsed.records,
            { module, version: options.ocpi, config, ...(options.party ? { party: options.party } : {}) },
            parsed.problems,
          );
          const fail = (problems: readonly RecordProblem[]) =>
            reportBadRecords(io, file, problems, parsed.records.length);
          if (check.problems.length > 0) return fail(check.problems);
          let changed: number;
          try {
            changed = await createPublisher({ config, store }).putMany(module, check.documents);
          } catch (error) {
            if (!(error instanceof PublishError) || error.issues.length === 0) throw error;
            return fail(publishProblems(error, check.documents));
          }
          if (check.lossy.size > 0) {
            io.err(`converting ${options.ocpi} to the canonical model applied lossy mappings:`);
            for (const line of check.lossy.lines()) io.err(line);
          }
          const unchanged = check.documents.length - changed;
          io.out(
            `imported ${changed} ${module} from ${file}` +
              (unchanged > 0 ? ` (${unchanged} unchanged, already stored as given)` : ''),
          );
          return 0;
        });
      } catch (error) {
        process.exitCode = reportError(error, 'import', url, io);
      }
    });

  program
    .command('export')
    .description("export the node's Locations or Tariffs (or those received from a peer) in one OCPI version")
    .argument('<module>', OBJECT_MODULES.join(' or '))
    .requiredOption(
      '--ocpi <version>',
      `the OCPI version to write: ${OCPI_VERSIONS.join(', ')}`,
      parseVersion,
    )
    .option('--peer <id>', 'objects received from this peer (id or name) instead of our own')
    .option('--format <format>', 'ndjson (one object per line) or json (an array)', parseFormat, 'ndjson')
    .option('--out <file>', 'write to this file instead of standard output')
    .option(...DB_OPTION)
    .action(async (moduleArg: string, options: ExportCommandOptions) => {
      const url = databaseUrl(options.db, env());
      try {
        const module = parseModule('export', moduleArg);
        checkNodeDatabase(url, 'export');
        process.exitCode = await withNodeStore(url, async (store) => {
          let peerId: string | null = null;
          if (options.peer !== undefined) {
            const peer =
              (await store.peers.findById(options.peer)) ??
              (await store.peers.list()).find((p) => p.name === options.peer);
            if (peer === undefined) {
              throw new InputError(
                `roamkit export: no peer with id or name ${options.peer} (see roamkit peers list)`,
              );
            }
            peerId = peer.id;
          }
          const writer =
            options.out === undefined
              ? { write: io.out, close: () => {} }
              : fileWriter(options.out, 'export');
          let result: ExportResult;
          try {
            result = await exportObjects(
              store,
              { module, version: options.ocpi, peerId, format: options.format },
              writer.write,
            );
          } finally {
            writer.close();
          }
          for (const failure of result.failures) {
            io.err(`roamkit export: ${failure.id} cannot be written in ${options.ocpi}: ${failure.message}`);
          }
          const from = peerId === null ? 'of ours' : `from peer ${peerId}`;
          io.err(
            `exported ${result.count} ${module} ${from} as OCPI ${options.ocpi} ${options.format}` +
              (options.out === undefined ? '' : ` to ${options.out}`),
          );
          if (result.lossy.size > 0) {
            io.err(`lossy mappings applied converting to ${options.ocpi}:`);
            for (const line of result.lossy.lines()) io.err(line);
          }
          return result.failures.length > 0 ? 1 : 0;
        });
      } catch (error) {
        process.exitCode = reportError(error, 'export', url, io);
      }
    });

  return program;
}
