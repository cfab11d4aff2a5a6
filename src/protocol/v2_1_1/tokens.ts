/** OCPI 2.1.1, chapter "Tokens": the Token an eMSP pushes and the real-time authorization exchange. */
import type { Static } from '@sinclair/typebox';
import {
  DateTime,
  OcpiBoolean,
  OcpiClass,
  OcpiEnum,
  OcpiString,
  Optional,
  ZeroOrMore,
} from '../common/primitives.js';
import { DisplayText } from './types.js';

/** Answer of a real-time authorization (2.2 renames this enum to AllowedType). */
export const Allowed = OcpiEnum('Allowed', ['ALLOWED', 'BLOCKED', 'EXPIRED', 'NO_CREDIT', 'NOT_ALLOWED']);
export type Allowed = Static<typeof Allowed>;

/** Where a token asks to charge; 2.1.1 still names connectors and uses plain strings of 39. */
export const LocationReferences = OcpiClass('LocationReferences', {
  location_id: OcpiString(39),
  evse_uids: ZeroOrMore(OcpiString(39)),
  connector_ids: ZeroOrMore(OcpiString(36)),
});
export type LocationReferences = Static<typeof LocationReferences>;

export const TokenType = OcpiEnum('TokenType', ['OTHER', 'RFID']);
export type TokenType = Static<typeof TokenType>;

/** Whether the CPO may decide from its cache or must ask the eMSP in real time. */
export const WhitelistType = OcpiEnum('WhitelistType', ['ALWAYS', 'ALLOWED', 'ALLOWED_OFFLINE', 'NEVER']);
export type WhitelistType = Static<typeof WhitelistType>;

/** The eMSP's token; unique per (uid, type) within the eMSP. 2.1.1 has no country/party in the body. */
export const Token = OcpiClass('Token', {
  uid: OcpiString(36),
  type: TokenType,
  auth_id: OcpiString(36),
  visual_number: Optional(OcpiString(64)),
  issuer: OcpiString(64),
  valid: OcpiBoolean(),
  whitelist: WhitelistType,
  language: Optional(OcpiString(2)),
  last_updated: DateTime(),
});
export type Token = Static<typeof Token>;

/** Response of POST .../tokens/{uid}/authorize. */
export const AuthorizationInfo = OcpiClass('AuthorizationInfo', {
  allowed: Allowed,
  location: Optional(LocationReferences),
  info: Optional(DisplayText),
});
export type AuthorizationInfo = Static<typeof AuthorizationInfo>;
