/**
 * Converters of the Tokens chapter: Token, AuthorizationInfo, LocationReferences, EnergyContract.
 *
 * 2.1.1 -> canonical: `auth_id` is 2.2's `contract_id` (same meaning, renamed); the owner
 * (`country_code`/`party_id`) is not in the 2.1.1 body and comes from `ctx.party`.
 * canonical -> 2.1.1: the owner, `group_id`, `default_profile_type` and `energy_contract` are
 * dropped; token types 2.1.1 lacks become OTHER.
 * canonical -> 2.2.1: only TokenType differs (2.3.0 adds EMAID and is open).
 */
import { v2_1_1, v2_2_1, v2_3_0 } from '../../protocol/index.js';
import {
  type DroppedField,
  downOnly,
  drop,
  dropFields,
  dropOwner,
  droppedFieldRows,
  enumValues,
  identity,
  inventOwner,
  type Json,
  type OlderVersion,
  ordered,
  rename,
  row,
  unchangedIn,
  upOnly,
  versioned,
  withEnum,
  withObject,
} from './common.js';
import { ConversionError } from './errors.js';
import type {
  ConversionContext,
  LossyMapping,
  ModuleConverters,
  ObjectConverters,
  VersionConverter,
} from './types.js';

// ==== TokenType ====

const TOKEN_TYPES: Record<OlderVersion, readonly string[]> = {
  '2.1.1': enumValues(v2_1_1.tokens.TokenType),
  '2.2.1': enumValues(v2_2_1.tokens.TokenType),
};

/**
 * The `type` of a Token or CdrToken going down to an older closed TokenType: an unknown value
 * becomes OTHER, reported under `<object>.type-to-other-<version>`.
 */
export function withTokenType(
  value: Json,
  object: string,
  version: OlderVersion,
  ctx: ConversionContext,
  pointer: string,
): Json {
  const id = versioned(`${object}.type-to-other`, version);
  return withEnum(value, 'type', TOKEN_TYPES[version], 'OTHER', ctx, id, pointer);
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
  out = withTokenType(out, 'Token', '2.1.1', ctx, pointer);
  return rename(out, 'contract_id', 'auth_id');
}

export const tokenConverters: Record<OlderVersion, VersionConverter> = {
  '2.1.1': { toCanonical: tokenToCanonical211, fromCanonical: tokenFromCanonical211 },
  '2.2.1': downOnly((value, ctx, pointer) => withTokenType(value, 'Token', '2.2.1', ctx, pointer)),
};

// ==== LocationReferences ====

// canonical -> 2.1.1: connector_ids is optional there; nothing to invent.
const locationReferences211 = upOnly((value, ctx, pointer) =>
  drop(value, 'connector_ids', ctx, 'LocationReferences.connector_ids-dropped', pointer),
);

export const locationReferencesConverters: ObjectConverters = {
  '2.1.1': locationReferences211,
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
  // Allowed -> AllowedType: the same values.
  const out = withObject(value, 'location', locationReferences211.toCanonical, ctx, pointer);
  // `token` is not a 2.1.1 field: like any field a version lacks, one the caller put there (the
  // canonical Token it asked about) passes through as it is.
  if (value.token === undefined && !ctx.partial) {
    throw new ConversionError(
      'a 2.1.1 AuthorizationInfo has no token, which canonical requires: add the canonical Token that ' +
        'was authorized as `token` before converting',
    );
  }
  return ordered(out, v2_3_0.tokens.AuthorizationInfo);
}

export const authorizationInfoConverters: ObjectConverters = {
  '2.1.1': {
    toCanonical: authorizationInfoToCanonical211,
    // AllowedType -> Allowed and LocationReferences: the same values and fields going down.
    fromCanonical: (value, ctx, pointer) =>
      dropFields(value, AUTHORIZATION_INFO_DROPPED, 'AuthorizationInfo', '2.1.1', ctx, pointer),
  },
  '2.2.1': downOnly((value, ctx, pointer) =>
    withObject(value, 'token', tokenConverters['2.2.1'].fromCanonical, ctx, pointer),
  ),
};

// ==== the module ====

export const converters: ModuleConverters = {
  Token: tokenConverters,
  AuthorizationInfo: authorizationInfoConverters,
  LocationReferences: locationReferencesConverters,
  // New in 2.2, unchanged in 2.3.0.
  EnergyContract: unchangedIn('2.2.1'),
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
