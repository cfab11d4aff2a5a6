import type { ObjectKey } from '../store/types.js';
import {
  authorizeToken,
  type EmspAuthorizationPolicy,
  type LocationReferences,
  type Token,
} from './authorization/index.js';
import type { OcpiHandler, OcpiModule, OcpiOutcome } from './modules.js';
import { canonicalTokenTypes, tokenObjectId } from './object-modules.js';
import { peerParties } from './parties.js';
import { type ObjectModuleDeps, objectModule, TOKENS } from './published-objects/index.js';
import { servedParties } from './published-objects/sender.js';
import { convertDown, convertUp, firstOf, statusIn } from './published-objects/shared.js';

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
    // Every key the request may mean, in order of preference: our parties, the types the
    // version's spelling may stand for, the uid's spellings.
    const keys: ObjectKey[] = [];
    for (const party of servedParties(deps.config, ctx.version)) {
      for (const type of canonicalTokenTypes(ctx.version, ctx.query.type)) {
        for (const spelling of uidSpellings(uid)) keys.push({ ...party, id: tokenObjectId(spelling, type) });
      }
    }
    const record = await firstOf(deps.store, 'tokens', keys, (r) => r.peerId === null);
    const token = record?.data as unknown as Token | undefined;
    let locationReferences: LocationReferences | undefined;
    if (ctx.body !== undefined && ctx.body !== null) {
      const party = peerParties(ctx.peer)[0] ?? { country_code: '', party_id: '' };
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
      {
        ...(locationReferences === undefined ? {} : { locationReferences }),
        now: deps.now?.() ?? new Date(),
      },
      deps.authorizationPolicy,
    );
    switch (result.kind) {
      case 'unknown':
        // HTTP 404 in every version; 2.2.1+ adds 2004 Unknown Token (2.1.1 has no such code).
        return {
          statusCode: statusIn(ctx.version, TOKENS.unknownStatus),
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
