/**
 * The Receiver interface: objects a peer pushes to us (`peerId` = the peer), at
 * `{country_code}/{party_id}/{id}[/{evse_uid}[/{connector_id}]]`. The rules, from the module
 * chapters and the transport chapter's Client Owned Object Push (every version unless noted):
 *
 * - The URL's owner must be one of the peer's parties (its CredentialsRoles): a party reads and
 *   writes only its own objects. Else HTTP 404 (the transport chapter allows exactly this answer,
 *   "blocking client access to objects that do not belong to them"), OCPI 2000. A party this node
 *   hosts is never written by a peer, whatever its credentials claim.
 * - Ids in the body must equal the URL's (2001, transport chapter); 2.2.1+ also the owner
 *   (country_code/party_id, "SHALL be the same value" in the PUT parameter tables).
 * - PUT of an EVSE or Connector needs its Location (and EVSE): else the module's unknown status
 *   (Locations: 2003). It creates or replaces the object inside the Location and raises every
 *   parent's last_updated to the later of the two (2.2.1+ "SHALL also set the new last_updated on
 *   the parents"; 2.1.1 says the same of updates in its GET List section).
 * - A PUT or PATCH whose last_updated is older than the object's we hold is acknowledged (1000)
 *   and not applied: a late or repeated message must not turn the object back (the newer state
 *   came later and is the owner's truth; refusing would only make the owner retry a stale message).
 * - PATCH: last_updated required in 2.2.1+ (2001; "Any request to the PATCH method SHALL contain the
 *   last_updated field", with 2001's own example in the status codes chapter). 2.1.1 has no such
 *   rule and its own PATCH examples carry none: there the receive time is stamped instead (never
 *   earlier than the object's own last_updated). The target must exist (else the unknown status,
 *   and `onMissingObject`: a push was missed). Top-level fields are merged; a list in a PATCH is
 *   the whole list. A PATCH that would make the stored object invalid (canonical 2.3.0 schema) is
 *   refused with 2001 and the issues, and nothing is stored.
 * - Tariffs DELETE: tombstone. A DELETE of a tariff we do not hold is acknowledged (1000): what the
 *   owner asks for, "no such tariff here", is then true, and an error would only make it retry.
 * - PUT answers HTTP 201 when it created the object (status codes chapter), 200 otherwise.
 * - Reads and writes of one request run in one transaction, and a write must produce exactly the
 *   revision after the one read: a PUT EVSE and a PATCH of the same Location at the same moment
 *   cannot lose either change. SQLite serialises write transactions anyway; on PostgreSQL (read
 *   committed) the loser of a race sees another revision come back from its upsert, rolls back
 *   and runs again on the new state (optimistic concurrency, no lock held across requests).
 */

import {
  findSchema,
  formatDateTime,
  HTTP_ERRORS,
  httpStatusFor,
  type OcpiVersion,
  schemasByVersion,
  type ValidationIssue,
  validate,
} from '../../protocol/index.js';
import type { ObjectKey, OcpiObjectRecord, PutObjectInput, StoreScope } from '../../store/types.js';
import type { OcpiHandler, OcpiOutcome, OcpiRequestContext } from '../modules.js';
import { canonicalTokenTypes, OBJECT_MODULE_FACTS } from '../object-modules.js';
import { findParty, sameCode } from '../parties.js';
import type { ObjectLevel } from './description.js';
import { idsOf, objectAnswer, unknownObject } from './sender.js';
import { convertUp, firstOf, type HandlerContext, invalid } from './shared.js';
import { descend, findChild, instantOf, isOlder, type Json, laterOf, mergePatch, rebuild } from './tree.js';

const CANONICAL = '2.3.0' as const;

type Party = { country_code: string; party_id: string };

/**
 * The owner the URL names, as the peer's credentials spell it, or the answer refusing the request.
 * CiString (2.2.1+) compares case-insensitively; 2.1.1 party codes are upper case anyway.
 */
export function resolveOwner(h: HandlerContext, ctx: OcpiRequestContext): Party | OcpiOutcome {
  const { country_code: cc, party_id: pid } = ctx.params;
  const role = findParty(ctx.peer.roles, cc, pid);
  const notFound = (message: string): OcpiOutcome => ({
    statusCode: HTTP_ERRORS.NOT_FOUND.statusCode,
    httpStatus: HTTP_ERRORS.NOT_FOUND.http,
    message,
  });
  if (role === undefined) {
    const own = ctx.peer.roles.map((r) => `${String(r.country_code)}/${String(r.party_id)}`).join(', ');
    return notFound(
      `${cc}/${pid} is not one of the parties of this connection (${own || 'none'}): a party reads and writes only its own ${h.description.module}`,
    );
  }
  if (findParty(h.deps.config.parties, cc, pid) !== undefined) {
    return notFound(
      `${cc}/${pid} is a party hosted by this node: its ${h.description.module} are not written by peers`,
    );
  }
  return { country_code: String(role.country_code), party_id: String(role.party_id) };
}

const isOutcome = <T extends object>(value: T | OcpiOutcome): value is OcpiOutcome => 'statusCode' in value;

const keyOf = (owner: Party, id: string): ObjectKey => ({
  countryCode: owner.country_code,
  partyId: owner.party_id,
  id,
});

/** The stored key of the top-level object a request names (Tokens: uid and type). */
export function requestKey(
  h: HandlerContext,
  ctx: OcpiRequestContext,
  owner: Party,
  pathId: string,
): ObjectKey {
  return keyOf(owner, h.description.keyId(pathId, ctx.query, ctx.body));
}

/** Another request wrote the object between our read and our write: the transaction is run again. */
export class ConcurrentWriteError extends Error {
  override readonly name = 'ConcurrentWriteError';
}

/** Attempts of one request's transaction before a lasting race becomes a server error (3000). */
export const WRITE_ATTEMPTS = 5;

/** `store.transaction(fn)`, run again (on the state then current) while it loses a race. */
export async function writeTransaction<T>(h: HandlerContext, fn: (tx: StoreScope) => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await h.deps.store.transaction(fn);
    } catch (error) {
      if (!(error instanceof ConcurrentWriteError) || attempt >= WRITE_ATTEMPTS) throw error;
    }
  }
}

/** Writes the object, insisting that it becomes `expected` (the revision after the one read). */
async function putExpecting(tx: StoreScope, input: PutObjectInput, expected: number): Promise<void> {
  const written = await tx.objects.put(input);
  if (written.revision !== expected) {
    const { module, key } = input;
    throw new ConcurrentWriteError(
      `${module} ${key.countryCode}/${key.partyId}/${key.id}: wrote revision ${written.revision}, expected ${expected}`,
    );
  }
}

/** Writes `root` (the whole top-level object, as patched or rebuilt) as the next revision of `record`. */
function putRoot(
  tx: StoreScope,
  h: HandlerContext,
  ctx: OcpiRequestContext,
  key: ObjectKey,
  record: OcpiObjectRecord,
  root: Json,
): Promise<void> {
  const input = {
    module: h.description.module,
    key,
    peerId: ctx.peer.id,
    data: root,
    lastUpdated: lastUpdatedDate(root, record.lastUpdated),
  };
  return putExpecting(tx, input, record.revision + 1);
}

/**
 * Body fields that must agree with the URL: the object's id, and (top level, when present: 2.2.1+
 * objects carry them) the owner. Returns the 2001 answer, or undefined.
 */
function bodyMismatch(
  body: Json,
  level: ObjectLevel,
  id: string,
  owner: { country_code: string; party_id: string } | undefined,
  params: Record<string, string>,
  required: boolean,
): OcpiOutcome | undefined {
  const problems: string[] = [];
  const bodyId = body[level.idField];
  if (bodyId === undefined) {
    if (required) problems.push(`${level.idField} is missing (the URL names ${level.type} '${id}')`);
  } else if (bodyId !== id) {
    problems.push(`${level.idField} '${String(bodyId)}' differs from ${level.param} '${id}' in the URL`);
  }
  if (owner !== undefined) {
    for (const field of ['country_code', 'party_id'] as const) {
      const value = body[field];
      if (value !== undefined && !sameCode(value, params[field])) {
        problems.push(`${field} '${String(value)}' differs from the URL's '${params[field]}'`);
      }
    }
  }
  if (problems.length === 0) return undefined;
  return invalid(`the ${level.type} does not match its URL: ${problems.join('; ')}`);
}

/** The live record of this peer under `key`, or undefined (absent, a tombstone, or another's). */
async function peersRecord(
  scope: Pick<StoreScope, 'objects'>,
  h: HandlerContext,
  ctx: OcpiRequestContext,
  key: ObjectKey,
): Promise<OcpiObjectRecord | undefined> {
  const record = await scope.objects.get(h.description.module, key);
  if (record === undefined || record.deleted || record.peerId !== ctx.peer.id) return undefined;
  return record;
}

/**
 * The live record of this peer that a GET or PATCH names: under the request's key, or (Tokens)
 * under any key the request may mean (description.storedKeyIds).
 */
async function namedRecord(
  scope: Pick<StoreScope, 'objects'>,
  h: HandlerContext,
  ctx: OcpiRequestContext,
  owner: Party,
  pathId: string,
): Promise<OcpiObjectRecord | undefined> {
  const ids = h.description.storedKeyIds?.(pathId, ctx.version, ctx.query) ?? [
    h.description.keyId(pathId, ctx.query, ctx.body),
  ];
  return firstOf(
    scope,
    h.description.module,
    ids.map((id) => keyOf(owner, id)),
    (record) => record.peerId === ctx.peer.id,
  );
}

function lastUpdatedDate(document: Json, fallback: Date): Date {
  const t = instantOf(document.last_updated);
  return t === undefined ? fallback : new Date(t);
}

const unchanged = (what: string): OcpiOutcome => ({
  statusCode: 1000,
  message: `${what}: its last_updated is older than the state held, which is kept`,
});

/** What a PUT or PATCH writes: the URL's owner and ids, the body in canonical form, the object's key. */
interface WriteRequest {
  owner: Party;
  ids: string[];
  document: Json;
  key: ObjectKey;
}

/**
 * The checks a PUT and a PATCH share before touching the store: the owner, (PATCH, 2.2.1+)
 * last_updated, the body's ids against the URL's, and the conversion up (a PATCH partial).
 * Returns the refusing answer of the first that fails.
 */
function readWrite(
  h: HandlerContext,
  ctx: OcpiRequestContext,
  depth: number,
  method: 'PUT' | 'PATCH',
): WriteRequest | OcpiOutcome {
  const level = h.description.levels[depth] as ObjectLevel;
  const owner = resolveOwner(h, ctx);
  if (isOutcome(owner)) return owner;
  const ids = idsOf(h, ctx.params, depth);
  const body = ctx.body as Json;
  const put = method === 'PUT';
  if (!put && body.last_updated === undefined && requiresLastUpdated(ctx.version)) {
    return invalid(`a PATCH must contain last_updated (the ${level.type} was not changed)`);
  }
  const mismatch = bodyMismatch(
    body,
    level,
    ids[depth] as string,
    depth === 0 ? owner : undefined,
    ctx.params,
    put,
  );
  if (mismatch !== undefined) return mismatch;
  const options = put ? { party: owner } : { party: owner, partial: true };
  const converted = convertUp(level.type, ctx.version, body, options, ctx.log);
  if (!converted.ok) return converted.outcome;
  const key = requestKey(h, ctx, owner, ids[0] as string);
  if (put && depth === 0) {
    // The body names the same object as the URL (a Token: the same type as `?type=` too).
    const bodyId = OBJECT_MODULE_FACTS[h.description.module].documentId(converted.value);
    if (bodyId !== undefined && bodyId !== key.id) {
      return invalid(
        `the ${level.type} does not match its URL: the body names '${bodyId}', the URL '${key.id}'`,
      );
    }
  }
  return { owner, ids, document: converted.value, key };
}

/** GET of the Receiver: the object as we hold it for this owner. */
export function receiverGet(h: HandlerContext, depth: number): OcpiHandler {
  return async (ctx) => {
    const owner = resolveOwner(h, ctx);
    if (isOutcome(owner)) return owner;
    const ids = idsOf(h, ctx.params, depth);
    const record = await namedRecord(h.deps.store, h, ctx, owner, ids[0] as string);
    if (record === undefined) return unknownObject(h, ids, { missing: 0, get: true, version: ctx.version });
    return objectAnswer(h, ctx, record, ids, depth);
  };
}

/** PUT of the Receiver: creates or replaces the object (inside its Location, below the top level). */
export function receiverPut(h: HandlerContext, depth: number): OcpiHandler {
  const { description } = h;
  const level = description.levels[depth] as ObjectLevel;
  return async (ctx) => {
    const write = readWrite(h, ctx, depth, 'PUT');
    if (isOutcome(write)) return write;
    const { owner, ids, document, key } = write;

    return writeTransaction(h, async (tx) => {
      if (depth === 0) {
        const stored = await tx.objects.get(description.module, key);
        if (stored !== undefined && stored.peerId === null) {
          return resolveOwnerConflict(h, owner);
        }
        const live = stored !== undefined && !stored.deleted ? stored : undefined;
        const lastUpdated = lastUpdatedDate(document, h.now());
        if (live !== undefined && lastUpdated.getTime() < live.lastUpdated.getTime()) {
          return unchanged(`${level.type} ${ids[0]}`);
        }
        const input = { module: description.module, key, peerId: ctx.peer.id, data: document, lastUpdated };
        await putExpecting(tx, input, (stored?.revision ?? 0) + 1);
        return { statusCode: 1000, httpStatus: httpStatusFor(1000, { created: live === undefined }) };
      }
      const record = await peersRecord(tx, h, ctx, key);
      if (record === undefined) return unknownObject(h, ids, { missing: 0, get: false });
      const parents = descend(record.data, description.levels, ids.slice(0, depth));
      if (parents.length < depth) return unknownObject(h, ids, { missing: parents.length, get: false });
      const existing = findChild(parents[depth - 1] as Json, level, ids[depth] as string);
      if (existing !== undefined && isOlder(document.last_updated, existing.last_updated)) {
        return unchanged(`${level.type} ${ids[depth]}`);
      }
      const root = rebuild(parents, description.levels, document);
      await putRoot(tx, h, ctx, key, record, root);
      return { statusCode: 1000, httpStatus: httpStatusFor(1000, { created: existing === undefined }) };
    });
  };
}

/** An object of a party we host (perhaps hosted no longer) is never replaced by a peer's. */
function resolveOwnerConflict(h: HandlerContext, owner: Party): OcpiOutcome {
  return {
    statusCode: HTTP_ERRORS.NOT_FOUND.statusCode,
    httpStatus: HTTP_ERRORS.NOT_FOUND.http,
    message: `${owner.country_code}/${owner.party_id}: this ${h.description.levels[0]?.type} is one of this node's own`,
  };
}

/** Issues of `after` that `before` did not have (same pointer and keyword): what a PATCH broke. */
export function newIssues(
  before: readonly ValidationIssue[],
  after: readonly ValidationIssue[],
): ValidationIssue[] {
  const had = new Set(before.map((i) => `${i.pointer}\u0000${i.keyword}`));
  return after.filter((i) => !had.has(`${i.pointer}\u0000${i.keyword}`));
}

/**
 * Whether replacing `before` with `after` breaks the canonical schema. Only new issues count: an
 * object stored with a flaw (an older version's document lacking what 2.3.0 wants) can still be
 * patched, but no PATCH adds a flaw.
 */
function patchBreaks(type: string, before: Json, after: Json): ValidationIssue[] {
  const schema = findSchema(schemasByVersion[CANONICAL], type);
  if (schema === undefined) throw new Error(`no ${type} schema in ${CANONICAL}`);
  const result = validate(schema, after);
  if (result.valid) return [];
  return newIssues(validate(schema, before).issues, result.issues);
}

/** PATCH of the Receiver: merges the fields given into the object we hold. */
export function receiverPatch(h: HandlerContext, depth: number): OcpiHandler {
  const { description } = h;
  const level = description.levels[depth] as ObjectLevel;
  const rootType = description.levels[0]?.type as string;
  return async (ctx) => {
    const write = readWrite(h, ctx, depth, 'PATCH');
    if (isOutcome(write)) return write;
    const { ids, document: patch, owner } = write;

    const outcome = await writeTransaction(h, async (tx): Promise<OcpiOutcome & { missing?: true }> => {
      const record = await namedRecord(tx, h, ctx, owner, ids[0] as string);
      if (record === undefined)
        return { ...unknownObject(h, ids, { missing: 0, get: false, version: ctx.version }), missing: true };
      const renamed = identityChange(h, ctx, record.data, depth);
      if (renamed !== undefined) return renamed;
      const chain = descend(record.data, description.levels, ids);
      const target = chain[depth];
      if (target === undefined) {
        return { ...unknownObject(h, ids, { missing: chain.length, get: false }), missing: true };
      }
      let changes = appended(h, ctx.version, target, patch);
      if (changes.last_updated === undefined) {
        // 2.1.1 without last_updated: the receive time, never earlier than what the object says.
        changes = { ...changes, last_updated: laterOf(formatDateTime(h.now()), target.last_updated) };
      } else if (isOlder(changes.last_updated, target.last_updated)) {
        return unchanged(`${level.type} ${ids[depth]}`);
      }
      const merged = mergePatch(target, changes);
      const root = depth === 0 ? merged : rebuild(chain.slice(0, depth), description.levels, merged);
      const broken = patchBreaks(rootType, record.data, root);
      if (broken.length > 0) {
        const shown = broken
          .slice(0, 5)
          .map((i) => `${i.pointer || '/'}: ${i.message}`)
          .join('; ');
        return invalid(
          `the PATCH would make the ${rootType} invalid (nothing was changed): ${shown}`,
          broken.map((i) => ({ pointer: i.pointer, field: i.field, message: i.message })),
        );
      }
      await putRoot(tx, h, ctx, record.key, record, root);
      return { statusCode: 1000 };
    });

    if (outcome.missing) {
      const { missing: _, ...answer } = outcome;
      notifyMissing(h, ctx);
      return answer;
    }
    return outcome;
  };
}

/** A PATCH with a list the module adds to (2.2.1+ Session charging periods) as the whole new list. */
function appended(h: HandlerContext, version: OcpiVersion, target: Json, patch: Json): Json {
  const rule = h.description.appendOnPatch;
  if (rule === undefined || !rule.versions.includes(version) || !(rule.field in patch)) return patch;
  const added = patch[rule.field];
  const { [rule.field]: _, ...rest } = patch;
  if (!Array.isArray(added) || added.length === 0) return rest;
  const existing = Array.isArray(target[rule.field]) ? (target[rule.field] as unknown[]) : [];
  return { ...rest, [rule.field]: [...existing, ...added] };
}

/**
 * A PATCH naming another identity than the object's (a Token's type: a token is uid + type, so a
 * PATCH cannot turn an RFID token into an APP_USER one) is a 2001. The type is compared as the
 * request's version spells it (2.2.1's OTHER may be a stored EMAID).
 */
function identityChange(
  h: HandlerContext,
  ctx: OcpiRequestContext,
  stored: Json,
  depth: number,
): OcpiOutcome | undefined {
  if (h.description.module !== 'tokens' || depth !== 0) return undefined;
  const given = (ctx.body as Json).type;
  if (typeof given !== 'string' || canonicalTokenTypes(ctx.version, given).includes(String(stored.type))) {
    return undefined;
  }
  return invalid(
    `a PATCH cannot change the token's type (${String(stored.type)} to ${given}): a token is its uid and type`,
  );
}

/** 2.2.1+ PATCH must carry last_updated; 2.1.1 has no such rule. */
function requiresLastUpdated(version: OcpiVersion): boolean {
  return version !== '2.1.1';
}

function notifyMissing(h: HandlerContext, ctx: OcpiRequestContext): void {
  const callback = h.deps.onMissingObject;
  if (callback === undefined) return;
  const fail = (error: unknown) =>
    ctx.log.error(
      { err: error, peerId: ctx.peer.id, module: h.description.module },
      'onMissingObject failed',
    );
  try {
    // Typed void, but an async callback's rejection must not go unhandled.
    const result: unknown = callback(ctx.peer.id, h.description.module);
    if (result instanceof Promise) result.catch(fail);
  } catch (error) {
    fail(error);
  }
}

/** DELETE of the Receiver (Tariffs): the object becomes a tombstone. */
export function receiverDelete(h: HandlerContext): OcpiHandler {
  const { description } = h;
  const level = description.levels[0] as ObjectLevel;
  return async (ctx) => {
    const owner = resolveOwner(h, ctx);
    if (isOutcome(owner)) return owner;
    const id = ctx.params[level.param] as string;
    const key = keyOf(owner, id);
    return writeTransaction(h, async (tx) => {
      const record = await peersRecord(tx, h, ctx, key);
      if (record === undefined) {
        return { statusCode: 1000, message: `${level.type} ${id} is not known here: nothing to delete` };
      }
      const deleted = await tx.objects.markDeleted(description.module, key, h.now());
      // Undefined: a concurrent DELETE came first, which is what was asked for.
      if (deleted !== undefined && deleted.revision !== record.revision + 1) {
        throw new ConcurrentWriteError(`${description.module} ${id}: changed while being deleted`);
      }
      return { statusCode: 1000 };
    });
  };
}
