/**
 * The one way our own Locations and Tariffs change: each change commits the object and, in the
 * same transaction, marks it owed to every interested peer (a delivery row per peer × object).
 * Nothing is queued as a message: the delivery worker later sends each peer the object's state
 * as it is then (src/platform/delivery/worker.ts), so a crash between the two never loses a
 * change and never replays a stale one.
 *
 * Used by the admin API, `roamkit seed` / `roamkit import`, and library users.
 */
import {
  findSchema,
  formatDateTime,
  parseDateTime,
  schemasByVersion,
  type ValidationIssue,
  validate,
} from '../../protocol/index.js';
import {
  OBJECT_MODULES,
  type ObjectKey,
  type ObjectModule,
  type OcpiObjectRecord,
  type PartyKey,
  type PeerRecord,
  type Store,
  type StoreScope,
} from '../../store/types.js';
import type { HostedParty, NodeConfig } from '../config.js';
import { OBJECT_MODULE_FACTS, OBJECT_TYPES } from '../object-modules.js';
import { findParty } from '../parties.js';
import { peerMaySee } from '../visibility.js';
import { isJsonObject, type JsonObject, jsonEqual, objectList } from './json.js';

/** A partial update for `Publisher.patch` and `Publisher.putAll` (see `patch`). */
export interface PublishPatch {
  module: ObjectModule;
  key: ObjectKey;
  path: readonly string[];
  changes: Record<string, unknown>;
}

/** Documents of one module for `Publisher.putAll`. */
export interface PublishBatch {
  module: ObjectModule;
  documents: readonly Record<string, unknown>[];
}

export interface Publisher {
  /**
   * Creates or replaces one of our objects (a canonical 2.3.0 document, validated against the
   * 2.3.0 schema; its owner, country_code/party_id, must be a party this node hosts) and marks it
   * owed to every interested peer, in one transaction. A document equal to the stored one changes
   * nothing (no new revision, nothing sent). A document whose last_updated is older than the
   * stored one's is refused: peers keep the newer state they hold and would ignore it.
   */
  put(module: ObjectModule, document: Record<string, unknown>): Promise<OcpiObjectRecord>;
  /**
   * Many documents, all or nothing, in one transaction (imports, seed); every invalid document
   * is reported (pointers start with the document's index). Returns how many objects changed
   * (unchanged documents are not counted).
   */
  putMany(module: ObjectModule, documents: readonly Record<string, unknown>[]): Promise<number>;
  /**
   * Several modules' documents, all or nothing, in one transaction (a seed: the tariffs and the
   * locations whose connectors reference them), and `patches` after them in the same transaction
   * (a session's end: the Session, its CDR and the EVSE's status). Returns how many objects
   * changed per module (by the documents).
   */
  putAll(
    batches: readonly PublishBatch[],
    patches?: readonly PublishPatch[],
  ): Promise<Partial<Record<ObjectModule, number>>>;
  /**
   * A partial update of a location (path []), one of its EVSEs ([evseUid]) or connectors
   * ([evseUid, connectorId]), or a tariff (path []), in canonical fields. Top-level fields of the
   * target are replaced (lists whole); a `null` value removes the field. `last_updated` is now
   * unless given; the location's (and the EVSE's, for a connector) follows when older. The
   * result must validate against the 2.3.0 schema.
   */
  patch(
    module: ObjectModule,
    key: ObjectKey,
    path: readonly string[],
    changes: Record<string, unknown>,
  ): Promise<OcpiObjectRecord>;
  /**
   * A tariff becomes a tombstone (peers get a DELETE). A location cannot be deleted in OCPI: every
   * EVSE gets status REMOVED. Undefined when there is no such live object of ours.
   */
  remove(module: ObjectModule, key: ObjectKey): Promise<OcpiObjectRecord | undefined>;
}

export type PublishErrorKind = 'invalid' | 'not_our_party' | 'unknown_object' | 'immutable';

export interface PublishIssue {
  /** JSON pointer into the document (with putMany: starting with its index). */
  pointer: string;
  message: string;
}

/** An invalid document, an owner this node does not host, or an object that does not exist. */
export class PublishError extends Error {
  override readonly name = 'PublishError';
  constructor(
    readonly kind: PublishErrorKind,
    message: string,
    readonly issues: PublishIssue[] = [],
  ) {
    super(message);
  }
}

export { OBJECT_TYPES };

// ---------------------------------------------------------------------------------------------
// Who gets what.

/** The peer's URL of the module's Receiver interface (where we push), if it has one. */
export function receiverEndpoint(
  peer: Pick<PeerRecord, 'endpoints'>,
  module: ObjectModule,
): string | undefined {
  return peer.endpoints.find((e) => e.identifier === module && e.role === 'RECEIVER')?.url;
}

/** Whether the peer takes pushes of the module from us at all: a live connection and a Receiver endpoint. */
export function receivesPushes(peer: PeerRecord, module: ObjectModule): boolean {
  return peer.status === 'REGISTERED' && receiverEndpoint(peer, module) !== undefined;
}

const publishedIn = (data: JsonObject | undefined): boolean => data !== undefined && data.publish !== false;

/**
 * Whether this revision of an object is owed to the peer. Whatever the peer may see is. A location
 * that has just stopped being published is too, for a peer of 2.2.1 or later that could see the
 * previous revision: the update carries `publish: false`, which is how that peer learns to stop
 * showing it. A 2.1.1 peer cannot be told (2.1.1 has no `publish`): it keeps what it has.
 */
export function owedTo(
  peer: Pick<PeerRecord, 'roles' | 'version'>,
  record: Pick<OcpiObjectRecord, 'published' | 'previous'> & { audience?: PartyKey | null },
): boolean {
  if (!inAudience(peer, record.audience ?? null)) return false;
  if (peerMaySee(peer, record.published)) return true;
  const previousPublished = publishedIn(record.previous?.data);
  return peer.version !== '2.1.1' && previousPublished && peerMaySee(peer, previousPublished);
}

/** Whether the peer hosts the one party an object is for (null: it is for everyone). */
export function inAudience(peer: Pick<PeerRecord, 'roles'>, audience: PartyKey | null): boolean {
  return audience === null || findParty(peer.roles, audience.countryCode, audience.partyId) !== undefined;
}

/**
 * Marks every live object of ours owed to one peer that may see it: for a peer that has just
 * registered (or gained a Receiver endpoint), so it gets our current state by push instead of
 * having to pull it. A row the peer already holds at that revision stays DONE. Returns the number
 * of objects marked.
 */
export async function markAllOwed(store: Store, peerId: string): Promise<number> {
  const peer = await store.peers.findById(peerId);
  if (peer === undefined) return 0;
  let marked = 0;
  for (const module of OBJECT_MODULES) {
    if (!receivesPushes(peer, module)) continue;
    for await (const record of store.objects.iterate({ module, peerId: null })) {
      if (!owedTo(peer, { ...record, previous: null })) continue;
      await store.deliveries.markPending([peer.id], module, record.key, record.revision);
      marked++;
    }
  }
  return marked;
}

// ---------------------------------------------------------------------------------------------
// Checking documents.

const CANONICAL = '2.3.0' as const;

function schemaOf(type: string) {
  const schema = findSchema(schemasByVersion[CANONICAL], type);
  if (schema === undefined) throw new Error(`no ${type} in the ${CANONICAL} schemas`);
  return schema;
}

const toIssues = (issues: readonly ValidationIssue[], prefix: string): PublishIssue[] =>
  issues.map((issue) => ({ pointer: `${prefix}${issue.pointer}`, message: issue.message }));

/** The hosted party owning `country_code`/`party_id` (CiStrings: compared case-insensitively). */
function hostedParty(config: NodeConfig, countryCode: unknown, partyId: unknown): HostedParty | undefined {
  return findParty(config.parties, countryCode, partyId);
}

interface Prepared {
  key: ObjectKey;
  data: JsonObject;
  lastUpdated: Date;
  audience: PartyKey | null;
}

/** A document checked and keyed, or its problems (pointers prefixed with `prefix`). */
function prepare(
  config: NodeConfig,
  module: ObjectModule,
  document: unknown,
  prefix: string,
): { ok: true; value: Prepared } | { ok: false; kind: PublishErrorKind; issues: PublishIssue[] } {
  const facts = OBJECT_MODULE_FACTS[module];
  const type = facts.type;
  if (!isJsonObject(document)) {
    return { ok: false, kind: 'invalid', issues: [{ pointer: prefix, message: `must be a ${type} object` }] };
  }
  const result = validate(schemaOf(type), document);
  if (!result.valid) return { ok: false, kind: 'invalid', issues: toIssues(result.issues, prefix) };
  const party = hostedParty(config, document.country_code, document.party_id);
  if (party === undefined) {
    const owner = `${String(document.country_code)}/${String(document.party_id)}`;
    const hosted = config.parties.map((p) => `${p.country_code}/${p.party_id}`).join(', ');
    return {
      ok: false,
      kind: 'not_our_party',
      issues: [
        { pointer: `${prefix}/country_code`, message: `${owner} is not a party this node hosts (${hosted})` },
      ],
    };
  }
  const parsed = parseDateTime(String(document.last_updated));
  if (!parsed.ok) {
    return {
      ok: false,
      kind: 'invalid',
      issues: [{ pointer: `${prefix}/last_updated`, message: parsed.error }],
    };
  }
  // The owner as the node spells it, so the key and the document agree.
  const data: JsonObject = { ...document, country_code: party.country_code, party_id: party.party_id };
  return {
    ok: true,
    value: {
      key: { countryCode: party.country_code, partyId: party.party_id, id: String(facts.documentId(data)) },
      data,
      lastUpdated: parsed.date,
      audience: facts.audience(data),
    },
  };
}

function refuse(kind: PublishErrorKind, what: string, issues: PublishIssue[]): never {
  const shown = issues
    .slice(0, 3)
    .map((i) => `${i.pointer || '/'} ${i.message}`)
    .join('; ');
  const more = issues.length > 3 ? ` (and ${issues.length - 3} more)` : '';
  throw new PublishError(kind, `${what}: ${shown}${more}`, issues);
}

/** The key as the node spells owners (upper case); unknown owners are not ours. */
function ourKey(config: NodeConfig, key: ObjectKey): ObjectKey | undefined {
  const party = hostedParty(config, key.countryCode, key.partyId);
  return party === undefined
    ? undefined
    : { countryCode: party.country_code, partyId: party.party_id, id: key.id };
}

/** Whether a document changes the stored object, and the stored record if any. */
type PutCheck =
  | { changed: false; stored: OcpiObjectRecord }
  | { changed: true; stored: OcpiObjectRecord | undefined };

const keyText = (key: ObjectKey) => `${key.countryCode}/${key.partyId}/${key.id}`;

const describeKey = (module: ObjectModule, key: ObjectKey) =>
  `${OBJECT_TYPES[module]} ${key.countryCode}/${key.partyId}/${key.id}`;

// ---------------------------------------------------------------------------------------------

export interface PublisherDeps {
  config: NodeConfig;
  store: Store;
  now?: () => Date;
  /**
   * Called after a change that made something owed to a peer has committed: the node wakes its
   * delivery worker (`worker.wake()`) so the peers get it now rather than at the next poll.
   */
  onPublished?: () => void;
}

/** One publishing transaction: its repositories, the receiving peers (read once), whether anything was marked owed. */
interface Scope {
  tx: StoreScope;
  receivers: (module: ObjectModule) => Promise<PeerRecord[]>;
  marked: boolean;
}

export function createPublisher(deps: PublisherDeps): Publisher {
  const { config, store } = deps;
  const now = deps.now ?? (() => new Date());

  /** Runs `fn` in one transaction; after the commit, tells onPublished when peers are owed something. */
  async function commit<T>(fn: (scope: Scope) => Promise<T>): Promise<T> {
    let marked = false;
    const result = await store.transaction(async (tx) => {
      let registered: Promise<PeerRecord[]> | undefined;
      const scope: Scope = {
        tx,
        receivers: async (module) => {
          registered ??= tx.peers.list({ status: 'REGISTERED' });
          return (await registered).filter((peer) => receivesPushes(peer, module));
        },
        marked: false,
      };
      const value = await fn(scope);
      marked = scope.marked;
      return value;
    });
    if (marked) deps.onPublished?.();
    return result;
  }

  /** Stores a new revision and marks it owed, in the caller's transaction. */
  async function write(
    scope: Scope,
    module: ObjectModule,
    key: ObjectKey,
    data: JsonObject,
    lastUpdated: Date,
  ): Promise<OcpiObjectRecord> {
    const audience = OBJECT_MODULE_FACTS[module].audience(data);
    const record = await scope.tx.objects.put({ module, key, peerId: null, data, lastUpdated, audience });
    await markOwed(scope, record, record.revision);
    return record;
  }

  /** Marks `revision` of the object owed to the receiving peers it is for. */
  async function markOwed(
    scope: Scope,
    record: Pick<OcpiObjectRecord, 'module' | 'key' | 'published' | 'previous' | 'audience'>,
    revision: number,
  ): Promise<void> {
    const owed = (await scope.receivers(record.module))
      .filter((peer) => owedTo(peer, record))
      .map((p) => p.id);
    if (owed.length === 0) return;
    await scope.tx.deliveries.markPending(owed, record.module, record.key, revision);
    scope.marked = true;
  }

  /**
   * Whether a prepared document changes the stored object (and the stored record, if any);
   * refuses one older than the stored one, or a key held by a peer's object.
   */
  async function checkPut(
    scope: Scope,
    module: ObjectModule,
    prepared: Prepared,
    prefix: string,
  ): Promise<PutCheck> {
    return judgePut(module, prepared, await scope.tx.objects.get(module, prepared.key), prefix);
  }

  /** checkPut on a stored record already read. */
  function judgePut(
    module: ObjectModule,
    prepared: Prepared,
    stored: OcpiObjectRecord | undefined,
    prefix: string,
  ): PutCheck {
    if (stored !== undefined && stored.peerId !== null) {
      // The store keys objects by owner and id; a peer's object under one of our parties is a conflict.
      refuse('not_our_party', describeKey(module, prepared.key), [
        { pointer: `${prefix}/id`, message: 'an object with this key was received from a peer' },
      ]);
    }
    if (stored !== undefined && !stored.deleted) {
      if (jsonEqual(stored.data, prepared.data)) return { changed: false, stored };
      if (OBJECT_MODULE_FACTS[module].immutable) {
        refuse('immutable', describeKey(module, prepared.key), [
          {
            pointer: `${prefix}/id`,
            message: `a ${OBJECT_TYPES[module]} is never changed once stored: correct it with a credit ${OBJECT_TYPES[module]} and a new one`,
          },
        ]);
      }
      if (prepared.lastUpdated.getTime() < stored.lastUpdated.getTime()) {
        refuse('invalid', describeKey(module, prepared.key), [
          {
            pointer: `${prefix}/last_updated`,
            message: `is older than the stored revision's (${formatDateTime(stored.lastUpdated)}); peers would ignore it`,
          },
        ]);
      }
    }
    return { changed: true, stored };
  }

  /** Writes a prepared document unless the stored one is equal. */
  async function putPrepared(
    scope: Scope,
    module: ObjectModule,
    prepared: Prepared,
    prefix: string,
  ): Promise<{ record: OcpiObjectRecord; changed: boolean }> {
    const checked = await checkPut(scope, module, prepared, prefix);
    if (!checked.changed) return { record: checked.stored, changed: false };
    const record = await write(scope, module, prepared.key, prepared.data, prepared.lastUpdated);
    return { record, changed: true };
  }

  /**
   * Many documents of distinct keys: the objects written in multi-row statements, then each
   * marked owed. The new revision is the stored one + 1 (the store's rule), read in this
   * transaction; should a concurrent writer get in between, the mark is one revision low, which
   * is harmless: the worker sends the current state and records the revision it sent.
   */
  async function putBatch(scope: Scope, module: ObjectModule, all: readonly Prepared[]): Promise<number> {
    const writes: { prepared: Prepared; stored: OcpiObjectRecord | undefined }[] = [];
    // One read for the whole batch (the keys are distinct), not one per document.
    const stored = new Map(
      (
        await scope.tx.objects.getMany(
          module,
          all.map((p) => p.key),
        )
      ).map((record) => [keyText(record.key), record]),
    );
    for (const [index, prepared] of all.entries()) {
      const checked = judgePut(module, prepared, stored.get(keyText(prepared.key)), `/${index}`);
      if (checked.changed) writes.push({ prepared, stored: checked.stored });
    }
    if (writes.length === 0) return 0;
    await scope.tx.objects.putMany(
      writes.map(({ prepared }) => ({
        module,
        key: prepared.key,
        peerId: null,
        data: prepared.data,
        lastUpdated: prepared.lastUpdated,
        audience: prepared.audience,
      })),
    );
    for (const { prepared, stored } of writes) {
      const live = stored !== undefined && !stored.deleted;
      const record = {
        module,
        key: prepared.key,
        published: prepared.data.publish !== false,
        previous: live ? { revision: stored.revision, data: stored.data } : null,
        audience: prepared.audience,
      };
      await markOwed(scope, record, stored === undefined ? 1 : stored.revision + 1);
    }
    return writes.length;
  }

  /** The stored live object of ours, or a PublishError (unknown_object). */
  async function existing(tx: StoreScope, module: ObjectModule, key: ObjectKey): Promise<OcpiObjectRecord> {
    const normalized = ourKey(config, key);
    const stored = normalized === undefined ? undefined : await tx.objects.get(module, normalized);
    if (stored === undefined || stored.deleted || stored.peerId !== null) {
      throw new PublishError('unknown_object', `no ${describeKey(module, key)} of ours`);
    }
    return stored;
  }

  /** One patch (checked by checkPatch) in the caller's transaction. */
  async function patchIn(scope: Scope, patch: PublishPatch): Promise<OcpiObjectRecord> {
    const { module, key, path, changes } = patch;
    const stored = await existing(scope.tx, module, key);
    const data = structuredClone(stored.data) as JsonObject;
    const chain = targetChain(module, data, path, key);
    const target = chain[chain.length - 1] as Target;

    // Identity fields name the object: a patch cannot change them.
    for (const field of target.identity) {
      const given = changes[field];
      if (given !== undefined && given !== target.object[field]) {
        throw new PublishError('invalid', `${field} cannot be changed by a patch`, [
          {
            pointer: `${target.pointer}/${field}`,
            message: `must stay ${JSON.stringify(target.object[field])}`,
          },
        ]);
      }
    }
    const lastUpdated = changes.last_updated ?? formatDateTime(now());
    for (const [field, value] of Object.entries(changes)) {
      if (value === null) delete target.object[field];
      else if (value !== undefined) target.object[field] = value;
    }
    target.object.last_updated = lastUpdated;
    // The parents' last_updated follows (the receivers of a PATCH on an EVSE or connector do the same).
    const parsed = typeof lastUpdated === 'string' ? parseDateTime(lastUpdated) : undefined;
    for (const parent of chain.slice(0, -1)) {
      const current = parseDateTime(String(parent.object.last_updated));
      if (parsed?.ok && (!current.ok || current.date.getTime() < parsed.date.getTime())) {
        parent.object.last_updated = lastUpdated;
      }
    }

    const result = validate(schemaOf(OBJECT_TYPES[module]), data);
    if (!result.valid)
      refuse('invalid', `the patched ${OBJECT_TYPES[module]} is not valid`, toIssues(result.issues, ''));
    const documentUpdated = parseDateTime(String(data.last_updated));
    if (!documentUpdated.ok)
      refuse('invalid', 'last_updated', [{ pointer: '/last_updated', message: documentUpdated.error }]);
    if (jsonEqual(stored.data, data)) return stored;
    return write(scope, module, stored.key, data, documentUpdated.date);
  }

  /** Checks every document of every batch (all problems reported), then writes them in one transaction. */
  async function putAll(
    batches: readonly PublishBatch[],
    patches: readonly PublishPatch[] = [],
  ): Promise<Partial<Record<ObjectModule, number>>> {
    for (const p of patches) checkPatch(p.module, p.path, p.changes);
    const prepared: { module: ObjectModule; all: Prepared[] }[] = [];
    const issues: PublishIssue[] = [];
    let kind: PublishErrorKind = 'invalid';
    for (const { module, documents } of batches) {
      const all: Prepared[] = [];
      documents.forEach((document, index) => {
        const result = prepare(config, module, document, `/${index}`);
        if (result.ok) all.push(result.value);
        else {
          if (result.kind === 'not_our_party' && issues.length === 0) kind = result.kind;
          issues.push(...result.issues);
        }
      });
      prepared.push({ module, all });
    }
    if (issues.length > 0) {
      const what = batches.map((b) => `${OBJECT_TYPES[b.module]}s`).join(' and ');
      refuse(kind, `not publishable ${what}`, issues);
    }
    const changed: Partial<Record<ObjectModule, number>> = Object.fromEntries(
      batches.map((b) => [b.module, 0]),
    );
    if (prepared.every((p) => p.all.length === 0) && patches.length === 0) return changed;
    return commit(async (scope) => {
      for (const { module, all } of prepared) {
        const keys = new Set(all.map((p) => keyText(p.key)));
        if (keys.size === all.length) {
          changed[module] = (changed[module] ?? 0) + (await putBatch(scope, module, all));
          continue;
        }
        // The same object more than once: one after the other, each on the one before.
        for (const [index, one] of all.entries()) {
          if ((await putPrepared(scope, module, one, `/${index}`)).changed)
            changed[module] = (changed[module] ?? 0) + 1;
        }
      }
      for (const patch of patches) await patchIn(scope, patch);
      return changed;
    });
  }

  return {
    async put(module, document) {
      const prepared = prepare(config, module, document, '');
      if (!prepared.ok) refuse(prepared.kind, `not a publishable ${OBJECT_TYPES[module]}`, prepared.issues);
      return commit(async (scope) => (await putPrepared(scope, module, prepared.value, '')).record);
    },

    async putMany(module, documents) {
      return (await putAll([{ module, documents }]))[module] ?? 0;
    },

    putAll,

    async patch(module, key, path, changes) {
      checkPatch(module, path, changes);
      return commit((scope) => patchIn(scope, { module, key, path, changes }));
    },

    async remove(module, key) {
      return commit(async (scope) => {
        let stored: OcpiObjectRecord;
        try {
          stored = await existing(scope.tx, module, key);
        } catch (error) {
          if (error instanceof PublishError) return undefined;
          throw error;
        }
        const at = now();
        if (module !== 'locations') {
          if (module !== 'tariffs') {
            // Only Tariffs have a DELETE; a Token is withdrawn by valid: false, a Session ends.
            throw new PublishError('invalid', `a ${OBJECT_TYPES[module]} cannot be deleted in OCPI`);
          }
          const record = await scope.tx.objects.markDeleted(module, stored.key, at);
          if (record !== undefined) await markOwed(scope, record, record.revision);
          return record;
        }
        // Locations: OCPI has no DELETE; an EVSE with status REMOVED is how a location goes away.
        const data = structuredClone(stored.data) as JsonObject;
        const stamp = formatDateTime(at);
        let changed = false;
        for (const evse of objectList(data.evses)) {
          if (evse.status === 'REMOVED') continue;
          evse.status = 'REMOVED';
          evse.last_updated = stamp;
          changed = true;
        }
        if (!changed) return stored;
        data.last_updated = stamp;
        return write(scope, module, stored.key, data, new Date(Date.parse(stamp)));
      });
    },
  };
}

/** What a patch may be, checked before any transaction (PublishError otherwise). */
function checkPatch(
  module: ObjectModule,
  path: readonly string[],
  changes: unknown,
): asserts changes is Record<string, unknown> {
  if (!isJsonObject(changes)) {
    throw new PublishError('invalid', 'the changes must be a JSON object', [
      { pointer: '', message: 'must be an object' },
    ]);
  }
  if (OBJECT_MODULE_FACTS[module].immutable) {
    throw new PublishError('immutable', `a ${OBJECT_TYPES[module]} is never changed once stored`);
  }
  const maxDepth = module === 'locations' ? 2 : 0;
  if (path.length > maxDepth) {
    throw new PublishError(
      'invalid',
      module === 'locations'
        ? 'a location patch names at most an EVSE and a connector'
        : `a ${OBJECT_TYPES[module]} is patched as a whole`,
    );
  }
}

/** One level of a patch target: the object, its pointer, and the fields that name it. */
interface Target {
  object: JsonObject;
  pointer: string;
  identity: readonly string[];
}

/** The location (or tariff), and the EVSE and connector the path names. */
function targetChain(
  module: ObjectModule,
  data: JsonObject,
  path: readonly string[],
  key: ObjectKey,
): Target[] {
  // A token is named by uid and type; every other object by id.
  const identity =
    module === 'tokens' ? ['uid', 'type', 'country_code', 'party_id'] : ['id', 'country_code', 'party_id'];
  const chain: Target[] = [{ object: data, pointer: '', identity }];
  const [evseUid, connectorId] = path;
  if (evseUid === undefined) return chain;
  const evses = objectList(data.evses);
  const evse = evses.find((e) => e.uid === evseUid);
  if (evse === undefined) {
    throw new PublishError('unknown_object', `no EVSE ${evseUid} in ${describeKey(module, key)}`);
  }
  const evsePointer = `/evses/${(data.evses as unknown[]).indexOf(evse)}`;
  chain.push({ object: evse, pointer: evsePointer, identity: ['uid'] });
  if (connectorId === undefined) return chain;
  const connector = objectList(evse.connectors).find((c) => c.id === connectorId);
  if (connector === undefined) {
    throw new PublishError(
      'unknown_object',
      `no connector ${connectorId} in EVSE ${evseUid} of ${describeKey(module, key)}`,
    );
  }
  const connectorPointer = `${evsePointer}/connectors/${(evse.connectors as unknown[]).indexOf(connector)}`;
  chain.push({ object: connector, pointer: connectorPointer, identity: ['id'] });
  return chain;
}
