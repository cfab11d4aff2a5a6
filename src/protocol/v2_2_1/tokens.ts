/** OCPI 2.2.1, chapter "Tokens": the Token an eMSP pushes and the real-time authorization exchange. */
import type { Static } from '@sinclair/typebox';
import {
  CiString,
  DateTime,
  enumValues,
  OcpiBoolean,
  OcpiClass,
  OcpiEnum,
  OcpiString,
  Optional,
  ZeroOrMore,
} from '../common/primitives.js';
import * as v2_1_1 from '../v2_1_1/tokens.js';
import { WhitelistType } from '../v2_1_1/tokens.js';
import { DisplayText } from './types.js';

// Unchanged since 2.1.1.
export { WhitelistType };

/**
 * ProfileType is defined by the Sessions chapter, but it lives here: Token uses it, and Sessions
 * imports CdrToken from the CDRs chapter, which imports TokenType from here, so defining it in
 * sessions.ts would make the chapter files an import cycle (a load-time error with ES modules).
 * sessions.ts re-exports this schema, so there is exactly one.
 */
export const ProfileType = OcpiEnum('ProfileType', ['CHEAP', 'FAST', 'GREEN', 'REGULAR']);
export type ProfileType = Static<typeof ProfileType>;

/** 2.2: renamed from 2.1.1's `Allowed`, same values. */
export const AllowedType = OcpiEnum('AllowedType', [
  'ALLOWED',
  'BLOCKED',
  'EXPIRED',
  'NO_CREDIT',
  'NOT_ALLOWED',
]);
export type AllowedType = Static<typeof AllowedType>;

/** A driver's own energy supplier contract, for Charge Points that can bill energy that way. */
export const EnergyContract = OcpiClass('EnergyContract', {
  supplier_name: OcpiString(64),
  contract_id: Optional(OcpiString(64)),
});
export type EnergyContract = Static<typeof EnergyContract>;

/** 2.2: ids become CiString(36); `connector_ids` is gone. */
export const LocationReferences = OcpiClass('LocationReferences', {
  location_id: CiString(36),
  evse_uids: ZeroOrMore(CiString(36)),
});
export type LocationReferences = Static<typeof LocationReferences>;

/** 2.2: adds the app-generated token types AD_HOC_USER and APP_USER. */
export const TokenType = OcpiEnum('TokenType', [...enumValues(v2_1_1.TokenType), 'AD_HOC_USER', 'APP_USER']);
export type TokenType = Static<typeof TokenType>;

/**
 * 2.2: the owner's country/party move into the body, `auth_id` becomes `contract_id`, plus group,
 * default charging profile and energy contract. (uid, type) is unique within the eMSP.
 */
export const Token = OcpiClass('Token', {
  country_code: CiString(2),
  party_id: CiString(3),
  uid: CiString(36),
  type: TokenType,
  contract_id: CiString(36),
  visual_number: Optional(OcpiString(64)),
  issuer: OcpiString(64),
  group_id: Optional(CiString(36)),
  valid: OcpiBoolean(),
  whitelist: WhitelistType,
  language: Optional(OcpiString(2)),
  default_profile_type: Optional(ProfileType),
  energy_contract: Optional(EnergyContract),
  last_updated: DateTime(),
});
export type Token = Static<typeof Token>;

/** 2.2: response of POST .../authorize now echoes the full Token and can carry a reference for the Session/CDR. */
export const AuthorizationInfo = OcpiClass('AuthorizationInfo', {
  allowed: AllowedType,
  token: Token,
  location: Optional(LocationReferences),
  authorization_reference: Optional(CiString(36)),
  info: Optional(DisplayText),
});
export type AuthorizationInfo = Static<typeof AuthorizationInfo>;
