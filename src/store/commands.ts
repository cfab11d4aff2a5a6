/**
 * CommandRepository over Kysely: the commands we send (side SENT, an eMSP) and those peers send
 * us (side RECEIVED, a CPO), one row each (migration 0004). A row carries the request
 * (canonical), the synchronous CommandResponse, the asynchronous CommandResult and the final
 * `outcome`; a RECEIVED row also carries the post of its result to the sender's `response_url`
 * (an outbox: state, attempts, next attempt, a worker's lease).
 *
 * Every change is one statement guarded by the state it expects, so the races of the module
 * settle in the database: a result that arrives before the synchronous answer is stored, a
 * result and the timeout sweep cannot both complete a command, and a worker whose lease was
 * taken away cannot mark a newer result as delivered.
 *
 * The Store carries one as `store.commands` (and a transaction's scope as `tx.commands`).
 */
import {
  type Kysely,
  type Selectable,
  sql,
  type UpdateObject,
  type UpdateQueryBuilder,
  type UpdateResult,
} from 'kysely';
import type { OcpiVersion } from '../protocol/index.js';
import { StoreError, translateDriverError } from './errors.js';
import type { RepositoryContext } from './repository.js';
import { fromDbTime, toDbTime } from './schema.js';
import type { ClaimOptions } from './types.js';

type Json = Record<string, unknown>;

/** SENT: a command we sent (eMSP). RECEIVED: a command a peer sent us (CPO). */
export type CommandSide = 'SENT' | 'RECEIVED';
/**
 * SENDING: our request is on its way (SENT only). WAITING: accepted, the result is awaited (from
 * the CPO, or at a CPO from the charge point). DONE: the outcome is known.
 */
export type CommandState = 'SENDING' | 'WAITING' | 'DONE';
/** Where the post of a received command's result to the sender stands. */
export type ResultDeliveryState = 'PENDING' | 'DELIVERED' | 'FAILED';

export const COMMAND_STATES: readonly CommandState[] = ['SENDING', 'WAITING', 'DONE'];

/**
 * Which module a row belongs to (migration 0005): `commands` (the Commands module) or
 * `chargingprofiles` (the Charging Profiles module's requests and pushes). Each module's worker
 * claims and times out only its own kind; the methods below default to `commands`.
 */
export type CommandKind = 'commands' | 'chargingprofiles';
export const DEFAULT_COMMAND_KIND: CommandKind = 'commands';

/** Why a command ended without an answer: the OCPI status of a refusal (2003), or a transport failure. */
export interface CommandError {
  statusCode?: number;
  message: string;
}

export interface ResultDelivery {
  state: ResultDeliveryState;
  /** Failed attempts since the last success. */
  attempts: number;
  nextAttemptAt: Date | null;
  firstFailureAt: Date | null;
  lastError: string | null;
}

export interface CommandRecord {
  /** Ours: a UUID. SENT: also the last segment of the response_url we gave. */
  id: string;
  /** The module the row belongs to. */
  kind: CommandKind;
  side: CommandSide;
  peerId: string;
  version: OcpiVersion;
  /** The CommandType (START_SESSION, …); for kind `chargingprofiles` the request (SET_CHARGING_PROFILE, …). */
  command: string;
  /** What the command is about: RESERVE_NOW/CANCEL_RESERVATION the reservation_id, STOP_SESSION the session_id, a started START_SESSION its session's id. */
  reference: string | null;
  /** The request body, canonical (2.3.0), with its response_url. */
  request: Json;
  state: CommandState;
  /** The synchronous CommandResponse, canonical (result, timeout, message). */
  response: Json | null;
  /** The asynchronous CommandResult, canonical (result, message). */
  result: Json | null;
  /**
   * The final word once DONE: the CommandResponse's result when it was not ACCEPTED
   * (REJECTED, NOT_SUPPORTED, UNKNOWN_SESSION), else the CommandResult's result; TIMEOUT when no
   * result came in time; ERROR when the request failed (see `error`).
   */
  outcome: string | null;
  error: CommandError | null;
  /** WAITING: when the result is overdue. */
  deadline: Date | null;
  /** RECEIVED: the post of the result to the sender (null until there is a result). */
  delivery: ResultDelivery | null;
  createdAt: Date;
  updatedAt: Date;
  completedAt: Date | null;
}

export interface NewCommand {
  id: string;
  /** Default `commands`. */
  kind?: CommandKind;
  side: CommandSide;
  peerId: string;
  version: OcpiVersion;
  command: string;
  reference?: string | null;
  request: Json;
  state: CommandState;
  response?: Json | null;
  /** A RECEIVED command may be born DONE with its result (to be posted at once). */
  result?: Json | null;
  outcome?: string | null;
  error?: CommandError | null;
  deadline?: Date | null;
  /**
   * Whether the row is born with a post due in the outbox. Default: a RECEIVED row with a
   * result (its result goes to the sender). A module may queue other posts this way (the
   * Charging Profiles module's ActiveChargingProfile pushes, SENT rows).
   */
  post?: boolean;
}

export interface CommandListFilter {
  /** Default `commands`. */
  kind?: CommandKind;
  side?: CommandSide;
  peerId?: string;
  command?: string;
  reference?: string;
  outcome?: string;
  state?: CommandState | readonly CommandState[];
  /** Default 100. */
  limit?: number;
  offset?: number;
}

/** How a result sent to our response_url was taken. */
export type ResultReception =
  /** It completed the command. */
  | 'completed'
  /** The command had ended already (timed out, failed): kept beside the outcome. */
  | 'late'
  /** A reservation canceled by the CPO: the RESERVE_NOW's outcome becomes CANCELED_RESERVATION. */
  | 'replaced'
  /** A result was there already: nothing changed. */
  | 'repeated';

export interface CommandRepository {
  insert(input: NewCommand): Promise<CommandRecord>;
  get(id: string): Promise<CommandRecord | undefined>;
  /** Newest first. */
  list(filter?: CommandListFilter): Promise<CommandRecord[]>;
  /** A peer's commands of one type about `reference`, newest first. */
  findByReference(peerId: string, command: string, reference: string): Promise<CommandRecord[]>;
  setReference(id: string, reference: string): Promise<void>;

  // ---- SENT
  /**
   * The synchronous answer to a command we sent: SENDING → WAITING until `deadline`, or → DONE
   * with `outcome`. When a result came first the command is DONE already: only the answer is kept.
   */
  recordResponse(
    id: string,
    response: Json,
    next: { state: 'WAITING'; deadline: Date } | { state: 'DONE'; outcome: string },
  ): Promise<CommandRecord | undefined>;
  /** The request failed (an OCPI error status, no answer): SENDING → DONE, outcome ERROR. */
  recordError(id: string, error: CommandError): Promise<CommandRecord | undefined>;
  /** The asynchronous result of a command we sent (see ResultReception). */
  recordResult(
    id: string,
    result: Json,
  ): Promise<{ record: CommandRecord; reception: ResultReception } | undefined>;

  // ---- RECEIVED
  /** The charge point's result: WAITING → DONE, its post to the sender due now. False when not WAITING (timed out). */
  complete(id: string, result: Json): Promise<boolean>;
  /** A new result for a command already answered (a reservation canceled by the CPO): posted again. */
  requeueResult(id: string, result: Json, outcome: string): Promise<boolean>;

  // ---- both
  /**
   * WAITING commands of `side` whose deadline has passed → DONE, outcome TIMEOUT; a RECEIVED one
   * gets the result TIMEOUT, posted to its sender. Returns the commands it ended.
   */
  expire(side: CommandSide, now: Date, options?: ExpireOptions): Promise<CommandRecord[]>;

  // ---- the result outbox (RECEIVED)
  /** Due PENDING posts not leased by another worker (PostgreSQL: FOR UPDATE SKIP LOCKED). */
  claimResults(options: ClaimOptions & { kind?: CommandKind }): Promise<CommandRecord[]>;
  /** Posted and acknowledged; only while `workerId` holds the lease. */
  resultDelivered(id: string, workerId: string): Promise<boolean>;
  /** A failed attempt, due again at nextAttemptAt; only while `workerId` holds the lease. */
  rescheduleResult(
    id: string,
    workerId: string,
    update: { nextAttemptAt: Date; error: string; firstFailureAt: Date },
  ): Promise<boolean>;
  /** Given up (refused, or failing past the retry window); only while `workerId` holds the lease. */
  resultFailed(id: string, workerId: string, error: string): Promise<boolean>;
  /** FAILED posts (of one peer) due again now (an operator's retry). Returns how many. */
  retryResults(filter: { peerId?: string; kind?: CommandKind }, now: Date): Promise<number>;
}

/** How `expire` ends overdue commands. */
export interface ExpireOptions {
  /** Default `commands`. */
  kind?: CommandKind;
  /**
   * RECEIVED: the result stored and posted to the sender; null: none (the outcome TIMEOUT is
   * kept, nothing is posted). Default: the CommandResult TIMEOUT.
   */
  timeoutResult?: Json | null;
}

// ---------------------------------------------------------------------------------------------
// Rows.

export type CommandsTable = {
  id: string;
  kind: string;
  side: CommandSide;
  peer_id: string;
  version: string;
  command: string;
  reference: string | null;
  /** JSON object: the canonical request. */
  request: string;
  state: CommandState;
  /** JSON object. */
  response: string | null;
  /** JSON object. */
  result: string | null;
  outcome: string | null;
  /** JSON object {statusCode?, message}. */
  error: string | null;
  deadline: string | null;
  delivery_state: ResultDeliveryState | null;
  attempts: number;
  next_attempt_at: string | null;
  first_failure_at: string | null;
  last_error: string | null;
  locked_by: string | null;
  locked_until: string | null;
  created_at: string;
  updated_at: string;
  completed_at: string | null;
};

/** The tables of this repository, as Kysely sees them. */
export type CommandsTables = {
  commands: CommandsTable;
};

type CommandUpdate = UpdateQueryBuilder<CommandsTables, 'commands', 'commands', UpdateResult>;
type CommandSet = UpdateObject<CommandsTables, 'commands', 'commands'>;

function parseJson(value: string | null, column: string): Json | null {
  if (value === null) return null;
  try {
    const parsed = JSON.parse(value) as unknown;
    if (parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed)) return parsed as Json;
  } catch {
    // reported below
  }
  throw new StoreError(`commands.${column} holds no JSON object`);
}

const time = (value: string | null, column: string): Date | null =>
  value === null ? null : fromDbTime(value, `commands.${column}`);

export function commandFromRow(row: Selectable<CommandsTable>): CommandRecord {
  if (!COMMAND_STATES.includes(row.state)) throw new StoreError(`commands.state holds ${row.state}`);
  return {
    id: row.id,
    kind: row.kind as CommandKind,
    side: row.side,
    peerId: row.peer_id,
    version: row.version as OcpiVersion,
    command: row.command,
    reference: row.reference,
    request: parseJson(row.request, 'request') as Json,
    state: row.state,
    response: parseJson(row.response, 'response'),
    result: parseJson(row.result, 'result'),
    outcome: row.outcome,
    error: parseJson(row.error, 'error') as CommandError | null,
    deadline: time(row.deadline, 'deadline'),
    delivery:
      row.delivery_state === null
        ? null
        : {
            state: row.delivery_state,
            attempts: Number(row.attempts),
            nextAttemptAt: time(row.next_attempt_at, 'next_attempt_at'),
            firstFailureAt: time(row.first_failure_at, 'first_failure_at'),
            lastError: row.last_error,
          },
    createdAt: fromDbTime(row.created_at, 'commands.created_at'),
    updatedAt: fromDbTime(row.updated_at, 'commands.updated_at'),
    completedAt: time(row.completed_at, 'completed_at'),
  };
}

const json = (value: unknown): string => JSON.stringify(value);

const TIMEOUT_RESULT = json({ result: 'TIMEOUT' });

// ---------------------------------------------------------------------------------------------

export class KyselyCommandRepository implements CommandRepository {
  constructor(
    private readonly db: Kysely<CommandsTables>,
    private readonly context: RepositoryContext,
    private readonly dialect: 'sqlite' | 'postgres',
  ) {}

  private async run<T>(query: () => Promise<T>): Promise<T> {
    this.context.assertUsable();
    try {
      return await query();
    } catch (err) {
      throw translateDriverError(err, 'commands');
    }
  }

  private now(): string {
    return toDbTime(this.context.now());
  }

  /** One guarded update of the row `id`; the row after it, or undefined when the guard failed. */
  private async update(
    id: string,
    set: CommandSet,
    guard: (query: CommandUpdate) => CommandUpdate = (q) => q,
  ): Promise<CommandRecord | undefined> {
    const row = await this.run(() =>
      guard(this.db.updateTable('commands'))
        .set({ ...set, updated_at: this.now() })
        .where('id', '=', id)
        .returningAll()
        .executeTakeFirst(),
    );
    return row === undefined ? undefined : commandFromRow(row);
  }

  async insert(input: NewCommand): Promise<CommandRecord> {
    const now = this.now();
    const done = input.state === 'DONE';
    const posted = input.post ?? (input.side === 'RECEIVED' && input.result != null);
    const row = await this.run(() =>
      this.db
        .insertInto('commands')
        .values({
          id: input.id,
          kind: input.kind ?? DEFAULT_COMMAND_KIND,
          side: input.side,
          peer_id: input.peerId,
          version: input.version,
          command: input.command,
          reference: input.reference ?? null,
          request: json(input.request),
          state: input.state,
          response: input.response == null ? null : json(input.response),
          result: input.result == null ? null : json(input.result),
          outcome: input.outcome ?? null,
          error: input.error == null ? null : json(input.error),
          deadline: input.deadline == null ? null : toDbTime(input.deadline),
          delivery_state: posted ? 'PENDING' : null,
          attempts: 0,
          next_attempt_at: posted ? now : null,
          first_failure_at: null,
          last_error: null,
          locked_by: null,
          locked_until: null,
          created_at: now,
          updated_at: now,
          completed_at: done ? now : null,
        })
        .returningAll()
        .executeTakeFirstOrThrow(),
    );
    return commandFromRow(row);
  }

  async get(id: string): Promise<CommandRecord | undefined> {
    const row = await this.run(() =>
      this.db.selectFrom('commands').selectAll().where('id', '=', id).executeTakeFirst(),
    );
    return row === undefined ? undefined : commandFromRow(row);
  }

  async list(filter: CommandListFilter = {}): Promise<CommandRecord[]> {
    const rows = await this.run(() => {
      let query = this.db
        .selectFrom('commands')
        .selectAll()
        .where('kind', '=', filter.kind ?? DEFAULT_COMMAND_KIND);
      if (filter.side !== undefined) query = query.where('side', '=', filter.side);
      if (filter.peerId !== undefined) query = query.where('peer_id', '=', filter.peerId);
      if (filter.command !== undefined) query = query.where('command', '=', filter.command);
      if (filter.reference !== undefined) query = query.where('reference', '=', filter.reference);
      if (filter.outcome !== undefined) query = query.where('outcome', '=', filter.outcome);
      if (filter.state !== undefined) {
        const states = typeof filter.state === 'string' ? [filter.state] : [...filter.state];
        if (states.length === 0) return Promise.resolve([]);
        query = query.where('state', 'in', states);
      }
      return query
        .orderBy('created_at', 'desc')
        .orderBy('id', 'desc')
        .limit(Math.max(1, Math.floor(filter.limit ?? 100)))
        .offset(Math.max(0, Math.floor(filter.offset ?? 0)))
        .execute();
    });
    return rows.map(commandFromRow);
  }

  async findByReference(peerId: string, command: string, reference: string): Promise<CommandRecord[]> {
    const rows = await this.run(() =>
      this.db
        .selectFrom('commands')
        .selectAll()
        .where('peer_id', '=', peerId)
        .where('command', '=', command)
        .where('reference', '=', reference)
        .orderBy('created_at', 'desc')
        .orderBy('id', 'desc')
        .execute(),
    );
    return rows.map(commandFromRow);
  }

  async setReference(id: string, reference: string): Promise<void> {
    await this.update(id, { reference });
  }

  async recordResponse(
    id: string,
    response: Json,
    next: { state: 'WAITING'; deadline: Date } | { state: 'DONE'; outcome: string },
  ): Promise<CommandRecord | undefined> {
    const now = this.now();
    const moved = await this.update(
      id,
      next.state === 'WAITING'
        ? { response: json(response), state: 'WAITING', deadline: toDbTime(next.deadline) }
        : { response: json(response), state: 'DONE', outcome: next.outcome, completed_at: now },
      (q) => q.where('side', '=', 'SENT').where('state', '=', 'SENDING'),
    );
    if (moved !== undefined) return moved;
    // The result was faster than the answer: keep the answer beside it.
    return this.update(id, { response: json(response) }, (q) => q.where('side', '=', 'SENT'));
  }

  async recordError(id: string, error: CommandError): Promise<CommandRecord | undefined> {
    return this.update(
      id,
      { error: json(error), state: 'DONE', outcome: 'ERROR', completed_at: this.now() },
      (q) => q.where('side', '=', 'SENT').where('state', '=', 'SENDING'),
    );
  }

  async recordResult(
    id: string,
    result: Json,
  ): Promise<{ record: CommandRecord; reception: ResultReception } | undefined> {
    const text = json(result);
    const value = String(result.result);
    const sent = (q: CommandUpdate) => q.where('side', '=', 'SENT');
    const completed = await this.update(
      id,
      { result: text, outcome: value, state: 'DONE', completed_at: this.now() },
      (q) => sent(q).where('state', '<>', 'DONE'),
    );
    if (completed !== undefined) return { record: completed, reception: 'completed' };
    const late = await this.update(id, { result: text }, (q) =>
      sent(q).where('state', '=', 'DONE').where('result', 'is', null),
    );
    if (late !== undefined) return { record: late, reception: 'late' };
    if (value === 'CANCELED_RESERVATION') {
      const replaced = await this.update(id, { result: text, outcome: value }, (q) =>
        sent(q).where('command', '=', 'RESERVE_NOW').where('outcome', '<>', value),
      );
      if (replaced !== undefined) return { record: replaced, reception: 'replaced' };
    }
    const record = await this.get(id);
    return record === undefined || record.side !== 'SENT' ? undefined : { record, reception: 'repeated' };
  }

  async complete(id: string, result: Json): Promise<boolean> {
    const now = this.now();
    const done = await this.update(
      id,
      {
        result: json(result),
        outcome: String(result.result),
        state: 'DONE',
        completed_at: now,
        delivery_state: 'PENDING',
        next_attempt_at: now,
        attempts: 0,
      },
      (q) => q.where('side', '=', 'RECEIVED').where('state', '=', 'WAITING'),
    );
    return done !== undefined;
  }

  async requeueResult(id: string, result: Json, outcome: string): Promise<boolean> {
    // The lease goes too: a post of the previous result still in flight cannot mark this one delivered.
    const done = await this.update(
      id,
      {
        result: json(result),
        outcome,
        delivery_state: 'PENDING',
        next_attempt_at: this.now(),
        attempts: 0,
        first_failure_at: null,
        last_error: null,
        locked_by: null,
        locked_until: null,
      },
      (q) => q.where('side', '=', 'RECEIVED').where('state', '=', 'DONE'),
    );
    return done !== undefined;
  }

  async expire(side: CommandSide, now: Date, options: ExpireOptions = {}): Promise<CommandRecord[]> {
    const at = toDbTime(now);
    const result = options.timeoutResult === undefined ? TIMEOUT_RESULT : options.timeoutResult;
    const rows = await this.run(() =>
      this.db
        .updateTable('commands')
        .set({
          state: 'DONE',
          outcome: 'TIMEOUT',
          completed_at: at,
          updated_at: at,
          ...(side === 'RECEIVED' && result !== null
            ? {
                result: typeof result === 'string' ? result : json(result),
                delivery_state: 'PENDING',
                next_attempt_at: at,
                attempts: 0,
              }
            : {}),
        })
        .where('kind', '=', options.kind ?? DEFAULT_COMMAND_KIND)
        .where('side', '=', side)
        .where('state', '=', 'WAITING')
        .where('deadline', '<=', at)
        .returningAll()
        .execute(),
    );
    return rows.map(commandFromRow);
  }

  async claimResults(options: ClaimOptions & { kind?: CommandKind }): Promise<CommandRecord[]> {
    if (!Number.isFinite(options.leaseMs) || options.leaseMs <= 0)
      throw new TypeError('leaseMs must be positive');
    if (options.limit <= 0) return [];
    const now = toDbTime(options.now);
    const lockedUntil = toDbTime(new Date(options.now.getTime() + options.leaseMs));
    const rows = await this.run(() => {
      let picked = this.db
        .selectFrom('commands as c')
        .select('c.id')
        .where('c.kind', '=', options.kind ?? DEFAULT_COMMAND_KIND)
        .where('c.delivery_state', '=', 'PENDING')
        .where('c.next_attempt_at', '<=', now)
        .where((eb) => eb.or([eb('c.locked_until', 'is', null), eb('c.locked_until', '<=', now)]))
        .orderBy('c.next_attempt_at')
        .limit(Math.floor(options.limit));
      if (this.dialect === 'postgres') picked = picked.forUpdate().skipLocked();
      // As deliveries.claim: the pick in a CTE (materialized once on PostgreSQL), the update re-checks.
      return this.db
        .with('picked', () => picked)
        .updateTable('commands')
        .set({ locked_by: options.workerId, locked_until: lockedUntil, updated_at: now })
        .where('id', 'in', (eb) => eb.selectFrom('picked').select('picked.id'))
        .where('delivery_state', '=', 'PENDING')
        .returningAll()
        .execute();
    });
    return rows
      .map(commandFromRow)
      .sort(
        (a, b) => (a.delivery?.nextAttemptAt?.getTime() ?? 0) - (b.delivery?.nextAttemptAt?.getTime() ?? 0),
      );
  }

  private held(workerId: string) {
    return (q: CommandUpdate) => q.where('locked_by', '=', workerId).where('delivery_state', '=', 'PENDING');
  }

  async resultDelivered(id: string, workerId: string): Promise<boolean> {
    const row = await this.update(
      id,
      {
        delivery_state: 'DELIVERED',
        locked_by: null,
        locked_until: null,
        last_error: null,
        first_failure_at: null,
        next_attempt_at: null,
      },
      this.held(workerId),
    );
    return row !== undefined;
  }

  async rescheduleResult(
    id: string,
    workerId: string,
    update: { nextAttemptAt: Date; error: string; firstFailureAt: Date },
  ): Promise<boolean> {
    const row = await this.update(
      id,
      {
        attempts: sql<number>`attempts + 1`,
        next_attempt_at: toDbTime(update.nextAttemptAt),
        first_failure_at: toDbTime(update.firstFailureAt),
        last_error: update.error,
        locked_by: null,
        locked_until: null,
      },
      this.held(workerId),
    );
    return row !== undefined;
  }

  async resultFailed(id: string, workerId: string, error: string): Promise<boolean> {
    const row = await this.update(
      id,
      {
        delivery_state: 'FAILED',
        attempts: sql<number>`attempts + 1`,
        last_error: error,
        locked_by: null,
        locked_until: null,
        next_attempt_at: null,
      },
      this.held(workerId),
    );
    return row !== undefined;
  }

  async retryResults(filter: { peerId?: string; kind?: CommandKind }, now: Date): Promise<number> {
    const at = toDbTime(now);
    const result = await this.run(() => {
      let query = this.db
        .updateTable('commands')
        .set({
          delivery_state: 'PENDING',
          next_attempt_at: at,
          attempts: 0,
          first_failure_at: null,
          updated_at: at,
        })
        .where('delivery_state', '=', 'FAILED')
        .where('kind', '=', filter.kind ?? DEFAULT_COMMAND_KIND);
      if (filter.peerId !== undefined) query = query.where('peer_id', '=', filter.peerId);
      return query.executeTakeFirst();
    });
    return Number(result.numUpdatedRows);
  }
}
