/**
 * `roamkit command …`: an eMSP node's remote commands to a CPO peer, sent from the node's
 * database (`--db`) and followed to their end:
 * - `start-session --peer P --token UID [--token-type T] --location ID [--evse UID] [--connector ID]`
 * - `stop-session --peer P --session ID`
 * - `reserve --peer P --token UID [--token-type T] --location ID [--evse UID] --reservation ID [--minutes N | --expires DATETIME]`
 * - `cancel-reservation --peer P --reservation ID` (2.2+)
 * - `unlock --peer P --location ID --evse UID --connector ID`
 * - `list [--peer P] [--side sent|received] [--limit N]` and `show ID`: the stored commands.
 *
 * A command is stored, sent to the CPO, and its synchronous answer printed; then the command
 * waits (unless `--no-wait`) for the CPO's result, which the running node (`roamkit serve` on the
 * same database) receives at the response_url and stores: this process reads it from the
 * database. The token of a start or a reservation is one of the node's own (`roamkit tokens`).
 *
 * Exit codes: 0 the command ended ACCEPTED (or was sent, with --no-wait); 1 it ended otherwise
 * (refused, failed, timed out), the peer or token is unknown, a database failure; 2 usage.
 */
import { type Command, InvalidArgumentError, Option } from 'commander';
import { createCommandsService } from '../platform/commands/service.js';
import { CommandSendError, type CommandType, lateResult, messageText } from '../platform/commands/types.js';
import type { NodeConfig } from '../platform/config.js';
import { tokenObjectId } from '../platform/object-modules.js';
import { formatDateTime } from '../protocol/index.js';
import type { CommandRecord, CommandSide } from '../store/commands.js';
import type { PeerRecord, Store } from '../store/types.js';
import { type DataIo, DB_OPTION, reportError } from './data.js';
import { checkNodeDatabase, databaseUrl, withNodeStore } from './node-context.js';
import { InputError } from './read-documents.js';

type Json = Record<string, unknown>;

/** Something named on the command line that the node does not have: a failed action (exit 1). */
export class CommandTargetError extends Error {
  override readonly name = 'CommandTargetError';
}

export type CommandFormat = 'text' | 'json';

interface CommonOptions {
  peer: string;
  db?: string;
  wait: boolean;
  /** Seconds to wait for the result at most (default: the command's own deadline). */
  timeout?: number;
  format: CommandFormat;
}

/** The peer by id or name (names are unique enough for people; two of one name must be told by id). */
export async function findPeer(store: Pick<Store, 'peers'>, given: string): Promise<PeerRecord> {
  const peers = await store.peers.list();
  const byId = peers.find((p) => p.id === given);
  if (byId !== undefined) return byId;
  const named = peers.filter((p) => p.name === given && p.status === 'REGISTERED');
  if (named.length === 1) return named[0] as PeerRecord;
  if (named.length > 1)
    throw new InputError(`--peer ${given}: several registered peers have that name; give the id`);
  throw new CommandTargetError(`no peer ${given} (see roamkit peers list)`);
}

/** One of our tokens by uid and type, among the node's eMSP parties. */
export async function findOurToken(
  store: Store,
  config: NodeConfig,
  uid: string,
  type: string,
): Promise<Json> {
  for (const party of config.parties.filter((p) => p.role === 'EMSP')) {
    const record = await store.objects.get('tokens', {
      countryCode: party.country_code,
      partyId: party.party_id,
      id: tokenObjectId(uid, type),
    });
    if (record !== undefined && record.peerId === null && !record.deleted) return record.data;
  }
  throw new CommandTargetError(`no token of ours with uid ${uid} and type ${type} (see roamkit tokens list)`);
}

/** A command as JSON for scripts (dates as ISO text). */
export function commandJson(record: CommandRecord): Json {
  return {
    id: record.id,
    side: record.side,
    peer_id: record.peerId,
    version: record.version,
    command: record.command,
    reference: record.reference,
    state: record.state,
    outcome: record.outcome,
    response: record.response,
    result: record.result,
    error: record.error,
    deadline: record.deadline?.toISOString() ?? null,
    delivery:
      record.delivery === null
        ? null
        : {
            state: record.delivery.state,
            attempts: record.delivery.attempts,
            next_attempt_at: record.delivery.nextAttemptAt?.toISOString() ?? null,
            last_error: record.delivery.lastError,
          },
    request: record.request,
    created_at: record.createdAt.toISOString(),
    completed_at: record.completedAt?.toISOString() ?? null,
  };
}

/** The synchronous part in a line: what the CPO answered. */
export function describeAnswer(record: CommandRecord): string {
  const head = `${record.command} ${record.id} (OCPI ${record.version})`;
  if (record.error !== null) {
    const status = record.error.statusCode === undefined ? '' : `OCPI status ${record.error.statusCode}: `;
    return `${head}: not taken by the CPO: ${status}${record.error.message}`;
  }
  if (record.response === null) return `${head}: sent, no answer yet`;
  const result = String(record.response.result);
  const why = messageText(record.response.message);
  const timeout =
    result === 'ACCEPTED' && record.deadline !== null
      ? ` (result due by ${record.deadline.toISOString()})`
      : '';
  return `${head}: the CPO answered ${result}${why === undefined ? '' : ` (${why})`}${timeout}`;
}

/** The end in a line. */
export function describeOutcome(record: CommandRecord): string {
  if (record.state !== 'DONE') return `no result yet (state ${record.state})`;
  const why = messageText(record.result?.message);
  const late = lateResult(record);
  return (
    `outcome: ${record.outcome}` +
    (why === undefined ? '' : ` (${why})`) +
    (late === undefined ? '' : `; a result ${late} came after the command had ended`)
  );
}

function parseId(what: string) {
  return (value: string): string => {
    const v = value.trim();
    if (v === '' || v.length > 36) throw new InvalidArgumentError(`use ${what} of 1 to 36 characters`);
    return v;
  };
}

function parseSeconds(value: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) throw new InvalidArgumentError('use a number of seconds, e.g. 60');
  return n;
}

function parseMinutes(value: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) throw new InvalidArgumentError('use a number of minutes, e.g. 30');
  return n;
}

function parseDateTime(value: string): Date {
  const date = new Date(value);
  if (!/^\d{4}-\d{2}-\d{2}T/.test(value) || Number.isNaN(date.getTime())) {
    throw new InvalidArgumentError('use an RFC 3339 date and time, e.g. 2026-11-25T10:00:00Z');
  }
  return date;
}

function parseFormat(value: string): CommandFormat {
  const format = value.trim().toLowerCase();
  if (format !== 'text' && format !== 'json') throw new InvalidArgumentError('use text or json');
  return format;
}

function parseSide(value: string): CommandSide {
  const side = value.trim().toUpperCase();
  if (side !== 'SENT' && side !== 'RECEIVED') throw new InvalidArgumentError('use sent or received');
  return side;
}

/** How a command line's request is built once the store is open. */
type RequestBuilder = (store: Store, config: NodeConfig) => Promise<Json>;

export interface CommandIo extends DataIo {}

/**
 * Sends one command from the node's database and follows it to its end. Returns the exit code.
 */
export async function runCommand(
  store: Store,
  config: NodeConfig,
  command: CommandType,
  build: RequestBuilder,
  options: CommonOptions,
  io: CommandIo,
): Promise<number> {
  const peer = await findPeer(store, options.peer);
  const request = await build(store, config);
  const commands = createCommandsService({ config, store });
  let record: CommandRecord;
  try {
    record = await commands.send(peer.id, command, request);
  } catch (error) {
    if (error instanceof CommandSendError) {
      io.err(`roamkit command: ${error.message}`);
      return error.kind === 'invalid_request' ? 2 : 1;
    }
    throw error;
  }
  if (options.format === 'text') io.out(describeAnswer(record));
  if (record.state !== 'DONE' && options.wait) {
    const signal = options.timeout === undefined ? undefined : AbortSignal.timeout(options.timeout * 1000);
    record = await commands.wait(record.id, signal === undefined ? {} : { signal });
  }
  if (options.format === 'json') io.out(JSON.stringify(commandJson(record), null, 2));
  else if (options.wait) io.out(describeOutcome(record));
  if (!options.wait && record.state !== 'DONE') return 0;
  return record.outcome === 'ACCEPTED' ? 0 : 1;
}

function report(error: unknown, command: string, url: string, io: DataIo): number {
  if (error instanceof CommandTargetError) {
    io.err(`roamkit ${command}: ${error.message}`);
    return 1;
  }
  return reportError(error, command, url, io);
}

export function addCommandCommand(program: Command, io: CommandIo): Command {
  const env = () => io.env ?? process.env;
  const group = program
    .command('command')
    .description(
      "remote commands to a CPO peer (eMSP): sent from the node's database, followed to their result",
    );

  /** The options every sending subcommand shares, and its action. */
  function sending(
    name: string,
    description: string,
    command: CommandType,
    build: (options: Json) => RequestBuilder,
  ) {
    return group
      .command(name)
      .description(description)
      .requiredOption('--peer <id>', 'the CPO peer (id or name; see roamkit peers list)')
      .option('--no-wait', "print the CPO's answer and return; do not wait for the result")
      .option(
        '--timeout <seconds>',
        "wait this long for the result at most (default: the CPO's timeout)",
        parseSeconds,
      )
      .addOption(new Option('--format <format>', 'text or json').default('text').argParser(parseFormat))
      .option(...DB_OPTION)
      .action(async (options: CommonOptions & Json) => {
        const label = `command ${name}`;
        const url = databaseUrl(options.db, env());
        try {
          checkNodeDatabase(url, label);
          process.exitCode = await withNodeStore(url, (store, config) =>
            runCommand(store, config, command, build(options), options, io),
          );
        } catch (error) {
          process.exitCode = report(error, label, url, io);
        }
      });
  }

  const tokenOf = async (store: Store, config: NodeConfig, options: Json) =>
    findOurToken(store, config, String(options.token), String(options.tokenType ?? 'RFID').toUpperCase());

  sending(
    'start-session',
    'START_SESSION: start a session for one of our tokens at a Location (EVSE, connector)',
    'START_SESSION',
    (o) => async (store, config) => ({
      token: await tokenOf(store, config, o),
      location_id: o.location,
      ...(o.evse === undefined ? {} : { evse_uid: o.evse }),
      ...(o.connector === undefined ? {} : { connector_id: o.connector }),
    }),
  )
    .requiredOption('--token <uid>', 'the uid of one of our tokens', parseId('a token uid'))
    .option('--token-type <type>', 'its type (default RFID)')
    .requiredOption('--location <id>', 'the Location id', parseId('a location id'))
    .option('--evse <uid>', 'the EVSE uid (default: the CPO picks one)', parseId('an EVSE uid'))
    .option('--connector <id>', 'the connector id (2.2+)', parseId('a connector id'));

  sending('stop-session', 'STOP_SESSION: stop a running session', 'STOP_SESSION', (o) => async () => ({
    session_id: o.session,
  })).requiredOption('--session <id>', 'the Session id', parseId('a session id'));

  sending(
    'reserve',
    'RESERVE_NOW: reserve an EVSE of a Location for one of our tokens',
    'RESERVE_NOW',
    (o) => async (store, config) => {
      const expires =
        o.expires instanceof Date ? o.expires : new Date(Date.now() + Number(o.minutes ?? 30) * 60_000);
      return {
        token: await tokenOf(store, config, o),
        expiry_date: formatDateTime(expires),
        reservation_id: o.reservation,
        location_id: o.location,
        ...(o.evse === undefined ? {} : { evse_uid: o.evse }),
      };
    },
  )
    .requiredOption('--token <uid>', 'the uid of one of our tokens', parseId('a token uid'))
    .option('--token-type <type>', 'its type (default RFID)')
    .requiredOption('--location <id>', 'the Location id', parseId('a location id'))
    .option('--evse <uid>', 'the EVSE uid (default: the CPO picks one)', parseId('an EVSE uid'))
    .requiredOption(
      '--reservation <id>',
      'our reservation id (2.1.1: an integer); the same id replaces a reservation',
      parseId('a reservation id'),
    )
    .option('--minutes <n>', 'how long the reservation holds (default 30)', parseMinutes)
    .option('--expires <datetime>', 'when it ends (instead of --minutes)', parseDateTime);

  sending(
    'cancel-reservation',
    'CANCEL_RESERVATION: cancel one of our reservations (OCPI 2.2+)',
    'CANCEL_RESERVATION',
    (o) => async () => ({
      reservation_id: o.reservation,
    }),
  ).requiredOption('--reservation <id>', 'our reservation id', parseId('a reservation id'));

  sending(
    'unlock',
    'UNLOCK_CONNECTOR: unlock a connector (help desk use only)',
    'UNLOCK_CONNECTOR',
    (o) => async () => ({
      location_id: o.location,
      evse_uid: o.evse,
      connector_id: o.connector,
    }),
  )
    .requiredOption('--location <id>', 'the Location id', parseId('a location id'))
    .requiredOption('--evse <uid>', 'the EVSE uid', parseId('an EVSE uid'))
    .requiredOption('--connector <id>', 'the connector id', parseId('a connector id'));

  group
    .command('list')
    .description('the stored commands, newest first: sent (ours) and received (from eMSPs)')
    .option('--peer <id>', 'only those of this peer (id or name)')
    .option('--side <side>', 'sent or received', parseSide)
    .option('--limit <n>', 'at most this many (default 50)', (v) => {
      const n = Number(v);
      if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError('use a whole number');
      return n;
    })
    .addOption(new Option('--format <format>', 'text or json').default('text').argParser(parseFormat))
    .option(...DB_OPTION)
    .action(
      async (options: {
        peer?: string;
        side?: CommandSide;
        limit?: number;
        format: CommandFormat;
        db?: string;
      }) => {
        const label = 'command list';
        const url = databaseUrl(options.db, env());
        try {
          checkNodeDatabase(url, label);
          await withNodeStore(url, async (store, config) => {
            const peer = options.peer === undefined ? undefined : await findPeer(store, options.peer);
            const records = await createCommandsService({ config, store }).list({
              ...(peer === undefined ? {} : { peerId: peer.id }),
              ...(options.side === undefined ? {} : { side: options.side }),
              limit: options.limit ?? 50,
            });
            if (options.format === 'json') io.out(JSON.stringify(records.map(commandJson), null, 2));
            else if (records.length === 0) io.out('no commands');
            else {
              for (const r of records) {
                io.out(
                  [
                    r.createdAt.toISOString(),
                    r.side.toLowerCase(),
                    r.command,
                    r.id,
                    r.state,
                    r.outcome ?? '-',
                  ].join('  '),
                );
              }
            }
          });
        } catch (error) {
          process.exitCode = report(error, label, url, io);
        }
      },
    );

  group
    .command('show')
    .description('one stored command: request, answer, result, outcome')
    .argument('<id>', 'the command id')
    .option(...DB_OPTION)
    .action(async (id: string, options: { db?: string }) => {
      const label = 'command show';
      const url = databaseUrl(options.db, env());
      try {
        checkNodeDatabase(url, label);
        process.exitCode = await withNodeStore(url, async (store, config) => {
          const record = await createCommandsService({ config, store }).get(id);
          if (record === undefined) throw new CommandTargetError(`no command ${id}`);
          io.out(JSON.stringify(commandJson(record), null, 2));
          return 0;
        });
      } catch (error) {
        process.exitCode = report(error, label, url, io);
      }
    });

  return group;
}
