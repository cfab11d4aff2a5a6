/** OCPI 2.3.0, chapter "Tokens": the Token an eMSP pushes and the real-time authorization exchange. */
import type { Static } from '@sinclair/typebox';
import { DerivedClass, enumValues, OcpiOpenEnum } from '../common/primitives.js';
import * as v2_2_1 from '../v2_2_1/tokens.js';

// Unchanged since 2.2.1.
export { AllowedType, EnergyContract, LocationReferences, WhitelistType } from '../v2_2_1/tokens.js';

/** 2.3.0: becomes an OpenEnum and adds EMAID (ISO 15118 Plug & Charge contract ids). */
export const TokenType = OcpiOpenEnum('TokenType', [...enumValues(v2_2_1.TokenType), 'EMAID']);
export type TokenType = Static<typeof TokenType>;

/**
 * 2.3.0: type is the OpenEnum TokenType. The text recommends NEVER as whitelist for app tokens
 * but does not require it, so it is not checked here.
 */
export const Token = DerivedClass('Token', v2_2_1.Token, { type: TokenType });
export type Token = Static<typeof Token>;

/** 2.3.0: token is the 2.3.0 Token. */
export const AuthorizationInfo = DerivedClass('AuthorizationInfo', v2_2_1.AuthorizationInfo, {
  token: Token,
});
export type AuthorizationInfo = Static<typeof AuthorizationInfo>;
