/**
 * The canonical (OCPI 2.3.0) shapes both sides of token authorization work with, and the small
 * helpers they share. Nothing here talks to a store or the network.
 */
import type { v2_3_0 } from '../../protocol/index.js';

export type Token = v2_3_0.tokens.Token;
export type TokenType = v2_3_0.tokens.TokenType;
export type WhitelistType = v2_3_0.tokens.WhitelistType;
export type AllowedType = v2_3_0.tokens.AllowedType;
export type AuthorizationInfo = v2_3_0.tokens.AuthorizationInfo;
export type LocationReferences = v2_3_0.tokens.LocationReferences;
export type DisplayText = v2_3_0.types.DisplayText;

/** One place a token is presented or asked about: a Location, optionally one of its EVSEs. */
export interface ChargingPlace {
  location_id: string;
  evse_uid?: string;
}

/** CiString ids (2.2+: location_id, evse_uids) compare without case. */
export function sameId(a: string, b: string): boolean {
  return a.toUpperCase() === b.toUpperCase();
}
