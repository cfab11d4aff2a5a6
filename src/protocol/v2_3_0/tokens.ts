/** OCPI 2.3.0, chapter "Tokens": the Token an eMSP pushes and the real-time authorization exchange. */
import type { Static } from '@sinclair/typebox';
import {
  CiString,
  DateTime,
  OcpiBoolean,
  OcpiClass,
  OcpiOpenEnum,
  OcpiString,
  Optional,
} from '../common/primitives.js';
import {
  AllowedType,
  EnergyContract,
  LocationReferences,
  ProfileType,
  WhitelistType,
} from '../v2_2_1/tokens.js';
import { DisplayText } from './types.js';

// Unchanged since 2.2.1.
export { AllowedType, EnergyContract, LocationReferences, WhitelistType };

/** 2.3.0: becomes an OpenEnum and adds EMAID (ISO 15118 Plug & Charge contract ids). */
export const TokenType = OcpiOpenEnum('TokenType', ['AD_HOC_USER', 'APP_USER', 'EMAID', 'OTHER', 'RFID']);
export type TokenType = Static<typeof TokenType>;

/**
 * 2.3.0: redefined only because TokenType changed; the fields are 2.2.1's. The text recommends
 * NEVER as whitelist for app tokens but does not require it, so it is not checked here.
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

/** 2.3.0: redefined only because it embeds the changed Token. */
export const AuthorizationInfo = OcpiClass('AuthorizationInfo', {
  allowed: AllowedType,
  token: Token,
  location: Optional(LocationReferences),
  authorization_reference: Optional(CiString(36)),
  info: Optional(DisplayText),
});
export type AuthorizationInfo = Static<typeof AuthorizationInfo>;
