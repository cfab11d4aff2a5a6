/**
 * Converters of the Tokens chapter: Token, AuthorizationInfo, LocationReferences, EnergyContract.
 *
 * The first section holds small helpers that the Sessions, CDRs, Commands, Credentials, Versions,
 * HubClientInfo and ChargingProfiles converters share (tokens.ts is the bottom of their import
 * chain, so nothing here imports another module converter).
 *
 * 2.1.1 -> canonical: `auth_id` is 2.2's `contract_id` (same meaning, renamed); the owner
 * (`country_code`/`party_id`) is not in the 2.1.1 body and comes from `ctx.party`.
 * canonical -> 2.1.1: the owner, `group_id`, `default_profile_type` and `energy_contract` are
 * dropped; token types 2.1.1 lacks become OTHER.
 * canonical -> 2.2.1: only TokenType differs (2.3.0 adds EMAID and is open).
 */
import type { TSchema } from '@sinclair/typebox';
import type { OcpiVersion } from '../../protocol/index.js';
import { v2_1_1, v2_2_1, v2_3_0 } from '../../protocol/index.js';
import { child, drop, dropOwner, inventOwner, type Json, mapObject } from './common.js';
import { ConversionError } from './errors.js';
import type {
  ConversionContext,
  ConvertFn,
  LossyMapping,
  ModuleConverters,
  ObjectConverters,
  VersionConverter,
} from './types.js';

// ==== helpers shared by this file and the other converters that import it ====

export type OlderVersion = Exclude<OcpiVersion, '2.3.0'>;

/** The object is the same in the older version and in canonical: nothing to convert. */
export const identity: VersionConverter = {
  toCanonical: (value) => value,
  fromCanonical: (value) => value,
};

/** A lossy-table row, written compactly. */
export function row(
  id: string,
  object: string,
  field: string,
  from: OcpiVersion,
  to: OcpiVersion,
  kind: LossyMapping['kind'],
  description: string,
): LossyMapping {
  return { id, object, field, from, to, kind, description };
}

/**
 * The keys of `value` in the order of `schema`'s properties (spec table order), unknown keys
 * after them in their own order. Only for readable output: no test depends on key order.
 */
export function ordered(value: Json, schema: TSchema): Json {
  const order = Object.keys((schema as { properties?: Record<string, unknown> }).properties ?? {});
  const out: Json = {};
  for (const key of order) if (key in value) out[key] = value[key];
  for (const key of Object.keys(value)) if (!(key in out)) out[key] = value[key];
  return out;
}

/** A canonical field the target version does not have: dropped on the way down, reported. */
export interface DroppedField {
  object: string;
  field: string;
  to: OlderVersion;
  /** Why it matters, in our words (the row's description). */
  why: string;
  /** Values that carry nothing (e.g. `credit: false`): dropped without a report. */
  carriesNothing?: (value: unknown) => boolean;
}

export function droppedFieldId(f: Pick<DroppedField, 'object' | 'field' | 'to'>): string {
  return `${f.object}.${f.field}-dropped-${f.to}`;
}

/** The lossy rows of a dropped-field table. */
export function droppedFieldRows(fields: readonly DroppedField[]): LossyMapping[] {
  return fields.map((f) =>
    row(droppedFieldId(f), f.object, f.field, '2.3.0', f.to, 'loses', `${f.to} has no ${f.field}: ${f.why}`),
  );
}

/**
 * Removes the fields of `fields` that apply to (`object`, `to`), reporting each one that held
 * something (as common.ts `drop`: not an empty list, nor a value the row says carries nothing).
 */
export function dropFields(
  value: Json,
  fields: readonly DroppedField[],
  object: string,
  to: OlderVersion,
  ctx: ConversionContext,
  pointer: string,
): Json {
  // Always a copy: callers assign to the result.
  let out: Json = { ...value };
  for (const f of fields) {
    if (f.object !== object || f.to !== to || !(f.field in out)) continue;
    if (f.carriesNothing?.(out[f.field])) {
      const { [f.field]: _, ...rest } = out;
      out = rest;
    } else {
      out = drop(out, f.field, ctx, droppedFieldId(f), pointer);
    }
  }
  return out;
}

/** The values of a closed enum schema (OcpiEnum), for tables that must follow the schemas. */
export function enumValues(schema: TSchema): readonly string[] {
  return (schema as { enum?: string[] }).enum ?? [];
}

/** Renames `from` to `to` when present (an exact mapping). */
export function rename(value: Json, from: string, to: string): Json {
  if (!(from in value)) return value;
  const { [from]: moved, ...rest } = value;
  return { ...rest, [to]: moved };
}

/**
 * An enum value for a version that knows only `known`: kept when known, else `fallback`, reported
 * under `id`. A value that is not a string is kept (validation is not the converter's job).
 */
export function narrowEnum(
  value: unknown,
  known: readonly string[],
  fallback: string,
  ctx: ConversionContext,
  id: string,
  pointer: string,
): unknown {
  if (typeof value !== 'string' || known.includes(value)) return value;
  ctx.report(id, pointer);
  return fallback;
}

/** Looks a nested object's converter up at call time (module converters of other files fill in late). */
export function nestedConverter(
  converters: ModuleConverters,
  name: string,
  version: OlderVersion,
): VersionConverter | undefined {
  return converters[name]?.[version];
}

/** Applies a nested converter to an object value when it exists (else the value passes unchanged). */
export function convertNested(
  converter: VersionConverter | undefined,
  direction: keyof VersionConverter,
  value: unknown,
  ctx: ConversionContext,
  pointer: string,
): unknown {
  if (converter === undefined) return value;
  // Nested objects are whole objects even inside a PATCH body: never partial.
  const inner: ConversionContext = ctx.partial ? { ...ctx, partial: false } : ctx;
  return mapObject(value, pointer, (item, at) => converter[direction](item, inner, at));
}

// ==== TokenType ====

/** Canonical TokenType -> an older closed TokenType; unknown values become OTHER. */
export function tokenTypeFromCanonical(
  value: unknown,
  version: OlderVersion,
  ctx: ConversionContext,
  id: string,
  pointer: string,
): unknown {
  const known = enumValues(version === '2.1.1' ? v2_1_1.tokens.TokenType : v2_2_1.tokens.TokenType);
  return narrowEnum(value, known, 'OTHER', ctx, id, pointer);
}

// ==== Token ====

const TOKEN_DROPPED: readonly DroppedField[] = [
  {
    object: 'Token',
    field: 'group_id',
    to: '2.1.1',
    why: 'the grouping of tokens (shared by several tokens of one driver or fleet) is not sent.',
  },
  {
    object: 'Token',
    field: 'default_profile_type',
    to: '2.1.1',
    why: "the driver's preferred smart-charging profile is not sent.",
  },
  {
    object: 'Token',
    field: 'energy_contract',
    to: '2.1.1',
    why: "the driver's own energy supplier contract is not sent.",
  },
];

function tokenToCanonical211(value: Json, ctx: ConversionContext, pointer: string): Json {
  const out = inventOwner(
    rename(value, 'auth_id', 'contract_id'),
    ctx,
    'Token.party-from-context',
    pointer,
    'Token',
  );
  return ordered(out, v2_3_0.tokens.Token);
}

function tokenFromCanonical211(value: Json, ctx: ConversionContext, pointer: string): Json {
  let out = dropOwner(value, ctx, 'Token.party-dropped', pointer);
  out = dropFields(out, TOKEN_DROPPED, 'Token', '2.1.1', ctx, pointer);
  if ('type' in out) {
    out.type = tokenTypeFromCanonical(
      out.type,
      '2.1.1',
      ctx,
      'Token.type-to-other-2.1.1',
      child(pointer, 'type'),
    );
  }
  return rename(out, 'contract_id', 'auth_id');
}

function tokenFromCanonical221(value: Json, ctx: ConversionContext, pointer: string): Json {
  if (!('type' in value)) return value;
  const type = tokenTypeFromCanonical(
    value.type,
    '2.2.1',
    ctx,
    'Token.type-to-other-2.2.1',
    child(pointer, 'type'),
  );
  return { ...value, type };
}

export const tokenConverters: ObjectConverters = {
  '2.1.1': { toCanonical: tokenToCanonical211, fromCanonical: tokenFromCanonical211 },
  '2.2.1': { toCanonical: (value) => value, fromCanonical: tokenFromCanonical221 },
};

/** A nested Token (commands, AuthorizationInfo), converted with the Token converter. */
export function tokenTo(version: OlderVersion): ConvertFn {
  return (value, ctx, pointer) => tokenConverters[version]!.toCanonical(value, ctx, pointer);
}

// ==== LocationReferences ====

function locationReferencesToCanonical211(value: Json, ctx: ConversionContext, pointer: string): Json {
  return drop(value, 'connector_ids', ctx, 'LocationReferences.connector_ids-dropped', pointer);
}

export const locationReferencesConverters: ObjectConverters = {
  // canonical -> 2.1.1: connector_ids is optional there; nothing to invent.
  '2.1.1': { toCanonical: locationReferencesToCanonical211, fromCanonical: (value) => value },
  '2.2.1': identity,
};

// ==== AuthorizationInfo ====

const AUTHORIZATION_INFO_DROPPED: readonly DroppedField[] = [
  {
    object: 'AuthorizationInfo',
    field: 'token',
    to: '2.1.1',
    why: "the eMSP's current copy of the Token (which the CPO may use to refresh its cache) is not sent; the CPO only has the uid/type it asked about.",
  },
  {
    object: 'AuthorizationInfo',
    field: 'authorization_reference',
    to: '2.1.1',
    why: 'the reference the CPO must echo in the Session and CDR of this authorization is not sent, so they cannot be matched to it.',
  },
];

function authorizationInfoToCanonical211(value: Json, ctx: ConversionContext, pointer: string): Json {
  const { allowed, location, token, ...rest } = value;
  const out: Json = { ...rest };
  if (allowed !== undefined) out.allowed = allowed; // Allowed -> AllowedType: same values.
  if (location !== undefined) {
    out.location = convertNested(
      locationReferencesConverters['2.1.1'],
      'toCanonical',
      location,
      ctx,
      child(pointer, 'location'),
    );
  }
  if (token !== undefined) {
    // Not a 2.1.1 field: like any field a version lacks, one the caller put there (the canonical
    // Token it asked about) passes through as it is.
    out.token = token;
  } else if (!ctx.partial) {
    throw new ConversionError(
      'a 2.1.1 AuthorizationInfo has no token, which canonical requires: add the canonical Token that ' +
        'was authorized as `token` before converting',
    );
  }
  return ordered(out, v2_3_0.tokens.AuthorizationInfo);
}

function authorizationInfoFromCanonical211(value: Json, ctx: ConversionContext, pointer: string): Json {
  // AllowedType -> Allowed and LocationReferences: the same values and fields going down.
  return dropFields(value, AUTHORIZATION_INFO_DROPPED, 'AuthorizationInfo', '2.1.1', ctx, pointer);
}

function authorizationInfoFromCanonical221(value: Json, ctx: ConversionContext, pointer: string): Json {
  if (!('token' in value)) return value;
  const at = child(pointer, 'token');
  return { ...value, token: convertNested(tokenConverters['2.2.1'], 'fromCanonical', value.token, ctx, at) };
}

export const authorizationInfoConverters: ObjectConverters = {
  '2.1.1': { toCanonical: authorizationInfoToCanonical211, fromCanonical: authorizationInfoFromCanonical211 },
  '2.2.1': { toCanonical: (value) => value, fromCanonical: authorizationInfoFromCanonical221 },
};

// ==== the module ====

export const converters: ModuleConverters = {
  Token: tokenConverters,
  AuthorizationInfo: authorizationInfoConverters,
  LocationReferences: locationReferencesConverters,
  // New in 2.2, unchanged in 2.3.0.
  EnergyContract: { '2.2.1': identity },
};

export const lossyMappings: LossyMapping[] = [
  row(
    'Token.party-from-context',
    'Token',
    'country_code, party_id',
    '2.1.1',
    '2.3.0',
    'invents',
    "A 2.1.1 Token does not name the eMSP that owns it; the owner is taken from the conversion's party " +
      "(the peer's credentials). Without one, a complete Token cannot be converted.",
  ),
  row(
    'Token.party-dropped',
    'Token',
    'country_code, party_id',
    '2.3.0',
    '2.1.1',
    'loses',
    'A 2.1.1 Token carries no owner (the receiver knows it from the connection). Reported when the owner ' +
      "differs from the conversion's party (or none is given), i.e. when the 2.1.1 receiver would assume " +
      'another owner.',
  ),
  row(
    'Token.type-to-other-2.1.1',
    'Token',
    'type',
    '2.3.0',
    '2.1.1',
    'loses',
    '2.1.1 knows only RFID and OTHER: AD_HOC_USER, APP_USER, EMAID and unknown types become OTHER. ' +
      'As (uid, type) identifies a token, two tokens with the same uid can then collide.',
  ),
  row(
    'Token.type-to-other-2.2.1',
    'Token',
    'type',
    '2.3.0',
    '2.2.1',
    'loses',
    "2.2.1's TokenType is closed and lacks EMAID: EMAID and types unknown to 2.2.1 become OTHER. As " +
      '(uid, type) identifies a token, two tokens with the same uid can then collide.',
  ),
  ...droppedFieldRows(TOKEN_DROPPED),
  row(
    'LocationReferences.connector_ids-dropped',
    'LocationReferences',
    'connector_ids',
    '2.1.1',
    '2.3.0',
    'loses',
    '2.2 has no connector_ids: an authorization limited to some connectors becomes one for the listed ' +
      'EVSEs (all their connectors). Not reported for an empty list.',
  ),
  ...droppedFieldRows(AUTHORIZATION_INFO_DROPPED),
];
