/**
 * The facts about each module kept in `ocpi_objects` that the publisher, the delivery worker, pull
 * sync, the admin API and the CLI share: the spec object, how a document is keyed, who may see it,
 * and how it is pushed. One row per module; the handlers' own description is in
 * published-objects/description.ts.
 */
import type { ObjectModule, PartyKey } from '../store/types.js';

type Json = Record<string, unknown>;

export type ObjectType = 'Location' | 'Tariff' | 'Token' | 'Session' | 'CDR';

export interface ObjectModuleFacts {
  /** The spec object stored (and converted). */
  type: ObjectType;
  /**
   * The key id of a canonical document, or undefined when it has none. Tokens are unique per
   * party by uid AND type (2.2.1+: "uid + type"), so their key id holds both.
   */
  documentId(document: Json): string | undefined;
  /**
   * The one party a document is for, or null when it goes to every peer of the module. A Session
   * or CDR is the business of the eMSP whose token was used, and of no other party.
   */
  audience(document: Json): PartyKey | null;
  /**
   * How a change reaches the peer's Receiver interface: PUT (and PATCH) of the object at its own
   * URL, or POST of a new object (CDRs: a CDR is never changed once sent, so it is posted once).
   */
  push: 'PUT' | 'POST';
  /** Never changed once stored (CDRs: corrections are credit CDRs, a new object). */
  immutable: boolean;
  /** Whether `audience` can name one party (Sessions, CDRs): Sender lists filter on it. */
  addressed: boolean;
}

const stringField = (document: Json, field: string): string | undefined =>
  typeof document[field] === 'string' ? (document[field] as string) : undefined;

/** The default token type where a version or a request leaves it out (2.2.1+ `?type=` default). */
export const DEFAULT_TOKEN_TYPE = 'RFID';

/** The key id of a token: its type and uid (TokenType values never hold a colon). */
export function tokenObjectId(uid: string, type: string | undefined): string {
  return `${type ?? DEFAULT_TOKEN_TYPE}:${uid}`;
}

/**
 * The stored (canonical, 2.3.0) token types a request in `version` may mean by `type`, most
 * likely first. An older version spells newer types as OTHER (2.1.1 knows only RFID and OTHER;
 * 2.2.1 has no EMAID), and without a type: 2.2.1+ means RFID (the query parameter's default),
 * 2.1.1 names a token by uid alone (its URLs carry no type), so every type is tried, RFID first.
 */
export function canonicalTokenTypes(version: string, type: string | undefined): string[] {
  const upper = type?.toUpperCase();
  if (version === '2.1.1') {
    if (upper === 'RFID') return ['RFID'];
    const others = ['OTHER', 'APP_USER', 'AD_HOC_USER', 'EMAID'];
    return upper === 'OTHER' ? others : ['RFID', ...others];
  }
  if (upper === undefined) return [DEFAULT_TOKEN_TYPE];
  if (version === '2.2.1' && upper === 'OTHER') return ['OTHER', 'EMAID'];
  return [upper];
}

/** The uid and type in a token's key id. */
export function parseTokenObjectId(id: string): { uid: string; type: string } {
  const colon = id.indexOf(':');
  return colon < 0
    ? { uid: id, type: DEFAULT_TOKEN_TYPE }
    : { type: id.slice(0, colon), uid: id.slice(colon + 1) };
}

/** The eMSP of the token of a Session or CDR (canonical `cdr_token`). */
function tokenOwner(document: Json): PartyKey | null {
  const token = document.cdr_token;
  if (token === null || typeof token !== 'object') return null;
  const { country_code: countryCode, party_id: partyId } = token as Json;
  return typeof countryCode === 'string' && typeof partyId === 'string' ? { countryCode, partyId } : null;
}

const everyone = (): null => null;
const byId = (document: Json) => stringField(document, 'id');

/** What most modules are: keyed by id, for every peer, pushed by PUT, changeable. */
const PUBLISHED = {
  documentId: byId,
  audience: everyone,
  addressed: false,
  push: 'PUT',
  immutable: false,
} as const;
/** A Session or CDR: for the eMSP of its token only. */
const ADDRESSED = { audience: tokenOwner, addressed: true } as const;

export const OBJECT_MODULE_FACTS: Readonly<Record<ObjectModule, ObjectModuleFacts>> = {
  locations: { ...PUBLISHED, type: 'Location' },
  tariffs: { ...PUBLISHED, type: 'Tariff' },
  tokens: {
    ...PUBLISHED,
    type: 'Token',
    documentId: (document) => {
      const uid = stringField(document, 'uid');
      return uid === undefined ? undefined : tokenObjectId(uid, stringField(document, 'type'));
    },
  },
  sessions: { ...PUBLISHED, ...ADDRESSED, type: 'Session' },
  cdrs: { ...PUBLISHED, ...ADDRESSED, type: 'CDR', push: 'POST', immutable: true },
};

/** The spec object of a module's documents. */
export const OBJECT_TYPES = Object.fromEntries(
  Object.entries(OBJECT_MODULE_FACTS).map(([module, facts]) => [module, facts.type]),
) as Readonly<Record<ObjectModule, ObjectType>>;
