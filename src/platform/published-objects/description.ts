/**
 * What distinguishes the modules whose objects one party owns and others receive (Locations,
 * Tariffs, Tokens, Sessions, CDRs): one row of data per module, read by the shared Sender and
 * Receiver handlers. Nothing here is per version except `patchVersions`: the object types and id
 * fields are the same in 2.1.1, 2.2.1 and 2.3.0.
 */
import type { OcpiVersion } from '../../protocol/index.js';
import type { ObjectModule } from '../../store/types.js';
import { canonicalTokenTypes, tokenObjectId } from '../object-modules.js';

/** One level of a module's object tree: the Location, its EVSEs, their Connectors. */
export interface ObjectLevel {
  /** Spec (and converter) name of the object. */
  type: 'Location' | 'EVSE' | 'Connector' | 'Tariff' | 'Token' | 'Session' | 'CDR';
  /** The path parameter naming the object. */
  param: 'location_id' | 'evse_uid' | 'connector_id' | 'tariff_id' | 'token_uid' | 'session_id' | 'cdr_id';
  /** The object's own id field, which must equal the path parameter. */
  idField: 'id' | 'uid';
  /** The list in the parent object that holds this level (undefined for the top level). */
  listField?: 'evses' | 'connectors';
}

export interface ObjectModuleDescription {
  module: ObjectModule;
  /** The object at each path depth below the owner: [0] is the stored object. */
  levels: readonly ObjectLevel[];
  /**
   * OCPI status for "no such object" (GET, PATCH, PUT below a missing parent). Locations: 2003
   * Unknown Location (status codes chapter). Tariffs: the chapters name no code and 2003 would
   * name the wrong object, so 2000 (generic client error).
   */
  unknownStatus: number;
  /** The versions whose Receiver interface has PATCH (2.1.1 Tariffs still did; 2.2.1 dropped it). */
  patchVersions: readonly OcpiVersion[];
  /** Whether the Receiver interface has DELETE (Tariffs only: a Location is never deleted). */
  deletable: boolean;
  /** Whether the Sender interface serves single objects (Locations: GET {location_id}[/{evse_uid}[/{connector_id}]]). */
  senderObjects: boolean;
  /**
   * The stored key id of the top-level object a request names: its path id, except for Tokens,
   * which are keyed by uid and type (`?type=`, default RFID; a body's type where the query has
   * none, as in 2.1.1, whose URLs carry no type).
   */
  keyId(pathId: string, query: Readonly<Record<string, unknown>>, body: unknown): string;
  /**
   * The key ids an existing object the request names may be stored under, most likely first
   * (default: keyId alone). Tokens: a request in an older version may spell the type otherwise,
   * or (2.1.1) not at all.
   */
  storedKeyIds?(pathId: string, version: OcpiVersion, query: Readonly<Record<string, unknown>>): string[];
  /**
   * A list a PATCH adds to instead of replacing, in these versions (2.2.1+ Sessions:
   * `charging_periods`; an empty or absent list changes nothing).
   */
  appendOnPatch?: { field: string; versions: readonly OcpiVersion[] };
}

const pathIdIsKey = (pathId: string): string => pathId;

export const LOCATIONS: ObjectModuleDescription = {
  module: 'locations',
  levels: [
    { type: 'Location', param: 'location_id', idField: 'id' },
    { type: 'EVSE', param: 'evse_uid', idField: 'uid', listField: 'evses' },
    { type: 'Connector', param: 'connector_id', idField: 'id', listField: 'connectors' },
  ],
  unknownStatus: 2003,
  patchVersions: ['2.1.1', '2.2.1', '2.3.0'],
  deletable: false,
  senderObjects: true,
  keyId: pathIdIsKey,
};

export const TARIFFS: ObjectModuleDescription = {
  module: 'tariffs',
  levels: [{ type: 'Tariff', param: 'tariff_id', idField: 'id' }],
  unknownStatus: 2000,
  patchVersions: ['2.1.1'],
  deletable: true,
  senderObjects: false,
  keyId: pathIdIsKey,
};

export const TOKENS: ObjectModuleDescription = {
  module: 'tokens',
  levels: [{ type: 'Token', param: 'token_uid', idField: 'uid' }],
  // 2004 Unknown Token (status codes chapter, 2.2.1+; 2.1.1 has no such code but no better one).
  unknownStatus: 2004,
  patchVersions: ['2.1.1', '2.2.1', '2.3.0'],
  deletable: false,
  senderObjects: false,
  keyId: (uid, query, body) => {
    const fromQuery = typeof query.type === 'string' ? query.type : undefined;
    const fromBody =
      body !== null && typeof body === 'object' && typeof (body as { type?: unknown }).type === 'string'
        ? (body as { type: string }).type
        : undefined;
    return tokenObjectId(uid, fromQuery ?? fromBody);
  },
  storedKeyIds: (uid, version, query) =>
    canonicalTokenTypes(version, typeof query.type === 'string' ? query.type : undefined).map((type) =>
      tokenObjectId(uid, type),
    ),
};

export const SESSIONS: ObjectModuleDescription = {
  module: 'sessions',
  levels: [{ type: 'Session', param: 'session_id', idField: 'id' }],
  // No code names an unknown session: 2000, as for tariffs.
  unknownStatus: 2000,
  patchVersions: ['2.1.1', '2.2.1', '2.3.0'],
  deletable: false,
  senderObjects: false,
  keyId: pathIdIsKey,
  appendOnPatch: { field: 'charging_periods', versions: ['2.2.1', '2.3.0'] },
};

export const CDRS: ObjectModuleDescription = {
  module: 'cdrs',
  levels: [{ type: 'CDR', param: 'cdr_id', idField: 'id' }],
  unknownStatus: 2000,
  // A CDR is never changed once sent: POST and GET only.
  patchVersions: [],
  deletable: false,
  senderObjects: false,
  keyId: pathIdIsKey,
};

export const OBJECT_MODULE_DESCRIPTIONS: Readonly<Record<ObjectModule, ObjectModuleDescription>> = {
  locations: LOCATIONS,
  tariffs: TARIFFS,
  tokens: TOKENS,
  sessions: SESSIONS,
  cdrs: CDRS,
};
