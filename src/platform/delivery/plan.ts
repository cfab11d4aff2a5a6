/**
 * What to send a peer for one delivery row, as a pure function of the object's current record,
 * what the peer has acknowledged, and the peer's version.
 *
 * The peer always gets the CURRENT state. A PATCH of what changed is sent only when it certainly
 * brings the peer to that state: the peer acknowledged exactly the previous revision, the record
 * still holds that revision's document to diff against, nothing forces a whole object (after an
 * outage), and the change sits in one place (the location's own fields, one EVSE's own fields, or
 * one connector). PATCH cannot remove a field (the chapters: fields left out are unchanged), so a
 * removed field, an EVSE or connector added, removed or reordered, or changes in several places
 * are sent as a PUT of the whole location. Tariffs go as a PUT, or a DELETE for a tombstone.
 */
import { type AppliedLossyMapping, fromCanonical } from '../../model/index.js';
import { type EndpointRow, type OcpiVersion, rowsFor } from '../../protocol/index.js';
import type { DeliveryRecord, ObjectModule, OcpiObjectRecord } from '../../store/types.js';
import { OBJECT_MODULE_FACTS, parseTokenObjectId } from '../object-modules.js';
import { type JsonObject, jsonEqual, objectList } from './json.js';

export type DeliveryObject = 'Location' | 'EVSE' | 'Connector' | 'Tariff' | 'Token' | 'Session' | 'CDR';

/** One request to the peer's Receiver interface. */
export interface DeliveryMessage {
  method: 'PUT' | 'PATCH' | 'DELETE' | 'POST';
  object: DeliveryObject;
  /** The Receiver row's path template (relative to the peer's module URL). */
  path: string;
  /** Values of the path's parameters. */
  params: Record<string, string>;
  /** Query parameters (a Token's `type`, 2.2.1+). */
  query?: Record<string, string>;
  /** In the peer's version (undefined for DELETE). */
  body: Record<string, unknown> | undefined;
  /** The revision the message brings the peer to (acknowledged after success). */
  revision: number;
  /** Lossy mappings applied converting to the peer's version. */
  lossy: AppliedLossyMapping[];
  /** Why a whole object is sent (for the log); undefined for a PATCH or a DELETE. */
  putReason?: string;
}

export interface PlanInput {
  record: Pick<OcpiObjectRecord, 'module' | 'key' | 'revision' | 'data' | 'previous' | 'deleted'>;
  delivery: Pick<DeliveryRecord, 'ackedRevision' | 'forcePut'>;
  version: OcpiVersion;
  /**
   * Whether the peer may see a location with this `publish` flag (src/platform/visibility.ts).
   * A peer that could not see the previous revision does not hold it, so it gets a PUT. Default: yes.
   */
  maySee?: (published: boolean) => boolean;
}

/** Where a change of a location sits, or why it needs the whole object. */
export type LocationChange =
  | { level: 'location'; fields: string[] }
  | { level: 'evse'; evseUid: string; fields: string[] }
  | { level: 'connector'; evseUid: string; connectorId: string; fields: string[] }
  | { level: 'whole'; reason: string };

const OWNER = '{country_code}/{party_id}';
export const RECEIVER_PATHS: Readonly<Record<DeliveryObject, string>> = {
  Location: `${OWNER}/{location_id}`,
  EVSE: `${OWNER}/{location_id}/{evse_uid}`,
  Connector: `${OWNER}/{location_id}/{evse_uid}/{connector_id}`,
  Tariff: `${OWNER}/{tariff_id}`,
  Token: `${OWNER}/{token_uid}`,
  Session: `${OWNER}/{session_id}`,
  // A CDR is posted to the module URL; the receiver answers where it keeps it.
  CDR: '',
};

/** The object's fields other than `skip` whose values differ, or the first one removed. */
function changedFields(
  previous: JsonObject,
  current: JsonObject,
  skip: readonly string[],
): { fields: string[]; removed?: string } {
  const fields: string[] = [];
  for (const key of new Set([...Object.keys(previous), ...Object.keys(current)])) {
    if (skip.includes(key) || jsonEqual(previous[key], current[key])) continue;
    if (current[key] === undefined) return { fields, removed: key };
    fields.push(key);
  }
  return { fields };
}

/** The ids of a list of objects, in order, when every item has a string id. */
function idsOf(items: JsonObject[], field: string): string[] | undefined {
  const ids = items.map((item) => item[field]);
  return ids.every((id) => typeof id === 'string') ? (ids as string[]) : undefined;
}

/** The items of two lists (same ids in the same order) that differ, or why they cannot be paired. */
function changedItems(
  previous: unknown,
  current: unknown,
  idField: string,
  what: string,
): { changed: [JsonObject, JsonObject][] } | { reason: string } {
  const before = objectList(previous);
  const after = objectList(current);
  const beforeIds = idsOf(before, idField);
  const afterIds = idsOf(after, idField);
  if (beforeIds === undefined || afterIds === undefined || !jsonEqual(beforeIds, afterIds)) {
    return { reason: `${what} added, removed or reordered` };
  }
  const changed: [JsonObject, JsonObject][] = [];
  before.forEach((item, i) => {
    const other = after[i] as JsonObject;
    if (!jsonEqual(item, other)) changed.push([item, other]);
  });
  return { changed };
}

/** Where the change from `previous` to `current` (two canonical Locations) sits. */
export function diffLocation(previous: JsonObject, current: JsonObject): LocationChange {
  const top = changedFields(previous, current, ['evses', 'last_updated']);
  if (top.removed !== undefined) return { level: 'whole', reason: `field ${top.removed} removed` };
  const evses = changedItems(previous.evses, current.evses, 'uid', 'EVSEs');
  if ('reason' in evses) return { level: 'whole', reason: evses.reason };
  if (evses.changed.length === 0) return { level: 'location', fields: top.fields };
  if (top.fields.length > 0) return { level: 'whole', reason: 'the location and its EVSEs changed' };
  if (evses.changed.length > 1) return { level: 'whole', reason: 'several EVSEs changed' };

  const [before, after] = evses.changed[0] as [JsonObject, JsonObject];
  const evseUid = after.uid as string;
  const own = changedFields(before, after, ['connectors', 'last_updated']);
  if (own.removed !== undefined) return { level: 'whole', reason: `EVSE field ${own.removed} removed` };
  const connectors = changedItems(before.connectors, after.connectors, 'id', 'connectors');
  if ('reason' in connectors) return { level: 'whole', reason: connectors.reason };
  if (connectors.changed.length === 0) return { level: 'evse', evseUid, fields: own.fields };
  if (own.fields.length > 0) return { level: 'whole', reason: 'the EVSE and its connectors changed' };
  if (connectors.changed.length > 1) return { level: 'whole', reason: 'several connectors changed' };

  const [cBefore, cAfter] = connectors.changed[0] as [JsonObject, JsonObject];
  const fields = changedFields(cBefore, cAfter, ['last_updated']);
  if (fields.removed !== undefined)
    return { level: 'whole', reason: `connector field ${fields.removed} removed` };
  return { level: 'connector', evseUid, connectorId: cAfter.id as string, fields: fields.fields };
}

/** `fields` of `object`, plus its last_updated (every PATCH carries it). */
function pick(object: JsonObject, fields: readonly string[]): JsonObject {
  const out: JsonObject = {};
  for (const field of fields) out[field] = object[field];
  out.last_updated = object.last_updated;
  return out;
}

/** Why a PATCH cannot be used for this delivery, or undefined when it can. */
function whyNotPatch(input: PlanInput): string | undefined {
  const { record, delivery } = input;
  if (delivery.forcePut) return 'the whole object is owed (after an outage or a retry)';
  if (delivery.ackedRevision === null) return 'the peer has no revision yet';
  if (delivery.ackedRevision !== record.revision - 1) return 'the peer holds an older revision';
  if (record.previous === null || record.previous.revision !== delivery.ackedRevision) {
    return 'the previous revision is not known';
  }
  if (input.maySee !== undefined && !input.maySee(record.previous.data.publish !== false)) {
    return 'the peer could not see the previous revision';
  }
  return undefined;
}

/** The message that brings the peer from what it acknowledged to the record's current state. */
export function planDelivery(input: PlanInput): DeliveryMessage {
  const { record, version } = input;
  const key = record.key;
  const owner = { country_code: key.countryCode, party_id: key.partyId };
  const base = { revision: record.revision };
  if (OBJECT_MODULE_FACTS[record.module].push === 'POST') {
    const { value, lossy } = fromCanonical('CDR', version, record.data);
    return {
      ...base,
      method: 'POST',
      object: 'CDR',
      path: RECEIVER_PATHS.CDR,
      params: {},
      body: value,
      lossy,
    };
  }
  if (record.module === 'tokens' || record.module === 'sessions') return planFlat(input);

  if (record.module === 'tariffs') {
    const params = { ...owner, tariff_id: key.id };
    if (record.deleted) {
      return {
        ...base,
        method: 'DELETE',
        object: 'Tariff',
        path: RECEIVER_PATHS.Tariff,
        params,
        body: undefined,
        lossy: [],
      };
    }
    const { value, lossy } = fromCanonical('Tariff', version, record.data);
    return {
      ...base,
      method: 'PUT',
      object: 'Tariff',
      path: RECEIVER_PATHS.Tariff,
      params,
      body: value,
      lossy,
      putReason: 'tariffs are sent whole',
    };
  }

  const locationParams = { ...owner, location_id: key.id };
  const whole = (putReason: string): DeliveryMessage => {
    const { value, lossy } = fromCanonical('Location', version, record.data);
    return {
      ...base,
      method: 'PUT',
      object: 'Location',
      path: RECEIVER_PATHS.Location,
      params: locationParams,
      body: value,
      lossy,
      putReason,
    };
  };
  const notPatch = whyNotPatch(input);
  if (notPatch !== undefined || record.previous === null)
    return whole(notPatch ?? 'the previous revision is not known');

  const change = diffLocation(record.previous.data, record.data);
  const patch = (
    object: DeliveryObject,
    params: Record<string, string>,
    body: JsonObject,
  ): DeliveryMessage => {
    const { value, lossy } = fromCanonical(object, version, body, { partial: true });
    return { ...base, method: 'PATCH', object, path: RECEIVER_PATHS[object], params, body: value, lossy };
  };
  switch (change.level) {
    case 'whole':
      return whole(change.reason);
    case 'location':
      return patch('Location', locationParams, pick(record.data, change.fields));
    case 'evse': {
      const evse = objectList(record.data.evses).find((e) => e.uid === change.evseUid) as JsonObject;
      return patch('EVSE', { ...locationParams, evse_uid: change.evseUid }, pick(evse, change.fields));
    }
    case 'connector': {
      const evse = objectList(record.data.evses).find((e) => e.uid === change.evseUid) as JsonObject;
      const connector = objectList(evse.connectors).find((c) => c.id === change.connectorId) as JsonObject;
      return patch(
        'Connector',
        { ...locationParams, evse_uid: change.evseUid, connector_id: change.connectorId },
        pick(connector, change.fields),
      );
    }
  }
}

/**
 * Tokens and Sessions: objects without children, so a PATCH of the changed top-level fields when
 * the peer holds the previous revision, else a PUT. A change of a Session's `charging_periods`
 * always goes as a PUT: a 2.2.1+ receiver ADDS the periods of a PATCH to its list (Sessions
 * chapter), so a PATCH whose answer was lost and that is sent again (a timeout, a crash before
 * the acknowledgement) would give it the periods twice, while a PUT is the same state however
 * often it arrives; 2.1.1 gives no rule at all. Periods close only at cost boundaries (a few per
 * session), so the kWh and cost updates in between are still PATCHes, which repeat harmlessly.
 */
function planFlat(input: PlanInput): DeliveryMessage {
  const { record, version } = input;
  const object: DeliveryObject = record.module === 'tokens' ? 'Token' : 'Session';
  const { params, query } = flatAddress(record.module, record.key, record.data, version);
  const base = {
    revision: record.revision,
    object,
    path: RECEIVER_PATHS[object],
    params,
    ...(query ? { query } : {}),
  };
  const whole = (putReason: string): DeliveryMessage => {
    const { value, lossy } = fromCanonical(object, version, record.data);
    return { ...base, method: 'PUT', body: value, lossy, putReason };
  };
  const notPatch = whyNotPatch(input);
  if (notPatch !== undefined || record.previous === null)
    return whole(notPatch ?? 'the previous revision is not known');
  const previous = record.previous.data;
  const changed = changedFields(previous, record.data, ['last_updated', 'charging_periods']);
  if (changed.removed !== undefined) return whole(`field ${changed.removed} removed`);
  const body = pick(record.data, changed.fields);
  if (object === 'Session' && !jsonEqual(previous.charging_periods, record.data.charging_periods)) {
    return whole('charging periods changed (a PATCH would add them, twice if it were repeated)');
  }
  const { value, lossy } = fromCanonical(object, version, body, { partial: true });
  return { ...base, method: 'PATCH', body: value, lossy };
}

/** The Receiver URL parameters of a Token or Session (a Token's type goes in the query, 2.2.1+). */
function flatAddress(
  module: ObjectModule,
  key: OcpiObjectRecord['key'],
  data: JsonObject,
  version: OcpiVersion,
): { params: Record<string, string>; query?: Record<string, string> } {
  const owner = { country_code: key.countryCode, party_id: key.partyId };
  if (module === 'sessions') return { params: { ...owner, session_id: key.id } };
  const { uid, type: stored } = parseTokenObjectId(key.id);
  const params = { ...owner, token_uid: typeof data.uid === 'string' ? data.uid : uid };
  // The type as the peer's version spells it (2.3.0's EMAID is OTHER in 2.2.1), as in the body.
  const converted = fromCanonical('Token', version, { ...data, type: stored }).value.type;
  const type = typeof converted === 'string' ? converted : stored;
  // 2.1.1 URLs carry no type (the token's uid alone names it there).
  return version === '2.1.1' ? { params } : { params, query: { type } };
}

/** The endpoint-table row of the peer's Receiver interface a message goes to (undefined: the version has none). */
export function receiverRow(
  version: OcpiVersion,
  module: ObjectModule,
  message: Pick<DeliveryMessage, 'method' | 'path'>,
): EndpointRow | undefined {
  return rowsFor(version, module, 'RECEIVER').find(
    (r) => r.method === message.method && r.path === message.path,
  );
}
