/**
 * The Tokens module (every version): the Sender interface lists our (eMSP) Tokens to CPOs and
 * answers real-time authorization (POST {token_uid}/authorize); the Receiver interface keeps the
 * Tokens eMSPs push to us (CPO), keyed by uid and type. The list and the Receiver are the shared
 * mechanism of published-objects/; the authorization decision is authorization/emsp.ts.
 */
import { HTTP_ERRORS } from '../protocol/index.js';
import type { ObjectKey } from '../store/types.js';
import {
  authorizeToken,
  type EmspAuthorizationPolicy,
  type LocationReferences,
  type Token,
} from './authorization/index.js';
import type { OcpiHandler, OcpiModule, OcpiOutcome } from './modules.js';
import { canonicalTokenTypes, tokenObjectId } from './object-modules.js';
import { type ObjectModuleDeps, objectModule, TOKENS } from './published-objects/index.js';
import { servedParties } from './published-objects/sender.js';
import { convertDown, convertUp } from './published-objects/shared.js';

export interface TokensModuleDeps extends ObjectModuleDeps {
  /** An operator's rules for real-time authorization (expiry, credit, where a token may charge). */
  authorizationPolicy?: EmspAuthorizationPolicy;
}

/**
 * A uid as given, then in upper and lower case: uids are CiStrings (2.2.1+), and readers differ
 * in the case they report hex RFID uids in; stored keys are case-sensitive.
 */
function uidSpellings(uid: string): string[] {
  return [...new Set([uid, uid.toUpperCase(), uid.toLowerCase()])];
}

/** POST {token_uid}/authorize of the Sender (eMSP): AuthorizationInfo, 2002 or Unknown Token. */
function authorize(deps: TokensModuleDeps): OcpiHandler {
  return async (ctx): Promise<OcpiOutcome> => {
    const uid = ctx.params.token_uid as string;
    let token: Token | undefined;
    search: for (const party of servedParties(deps.config, ctx.version)) {
      for (const type of canonicalTokenTypes(ctx.version, ctx.query.type)) {
        for (const spelling of uidSpellings(uid)) {
          const key: ObjectKey = { ...party, id: tokenObjectId(spelling, type) };
          const record = await deps.store.objects.get('tokens', key);
          if (record !== undefined && record.peerId === null && !record.deleted) {
            token = record.data as unknown as Token;
            break search;
          }
        }
      }
    }
    let locationReferences: LocationReferences | undefined;
    if (ctx.body !== undefined && ctx.body !== null) {
      const party = {
        country_code: String(ctx.peer.roles[0]?.country_code ?? ''),
        party_id: String(ctx.peer.roles[0]?.party_id ?? ''),
      };
      const converted = convertUp(
        'LocationReferences',
        ctx.version,
        ctx.body as Record<string, unknown>,
        { party },
        ctx.log,
      );
      if (!converted.ok) return converted.outcome;
      locationReferences = converted.value as unknown as LocationReferences;
    }
    const result = authorizeToken(
      token,
      { ...(locationReferences === undefined ? {} : { locationReferences }), now: new Date() },
      deps.authorizationPolicy,
    );
    switch (result.kind) {
      case 'unknown':
        // HTTP 404 in every version; 2.2.1+ adds 2004 Unknown Token (2.1.1 has no such code).
        return {
          statusCode: ctx.version === '2.1.1' ? HTTP_ERRORS.NOT_FOUND.statusCode : 2004,
          httpStatus: 404,
          message: `unknown token ${uid}`,
        };
      case 'not-enough-information':
        return { statusCode: 2002, message: result.reason };
      case 'info':
        return {
          statusCode: 1000,
          data: convertDown(
            'AuthorizationInfo',
            ctx.version,
            result.info as unknown as Record<string, unknown>,
            ctx.log,
          ),
        };
    }
  };
}

export function tokensModule(deps: TokensModuleDeps): OcpiModule {
  const shared = objectModule(TOKENS, deps);
  const authorizeHandler = authorize(deps);
  return {
    ...shared,
    handler: (row) =>
      row.interface === 'SENDER' && row.method === 'POST' && row.path === '{token_uid}/authorize'
        ? authorizeHandler
        : shared.handler(row),
  };
}
