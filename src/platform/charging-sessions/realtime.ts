/**
 * The CPO's real-time authorization call: POST {token_uid}/authorize on the Tokens Sender
 * interface of the eMSP that issued the token, in the version negotiated with it, answered as a
 * RealTimeAnswer for authorization/cpo.ts (which decides, and enforces the timeout).
 */
import { OcpiHttpError, OcpiStatusError } from '../../client/errors.js';
import { fromCanonical, toCanonical } from '../../model/index.js';
import { rowsFor } from '../../protocol/index.js';
import type { PartyKey, PeerRecord, Store } from '../../store/types.js';
import type { RealTimeAnswer, RealTimeAuthorizationInfo, RealTimeRequest } from '../authorization/index.js';
import type { ClientFactory } from '../credentials.js';
import { describeClientError } from '../credentials.js';
import { findParty } from '../parties.js';

/** The registered peer hosting `party` (the eMSP that issued a token), if any. */
export async function peerOfParty(
  store: Pick<Store, 'peers'>,
  party: PartyKey,
): Promise<PeerRecord | undefined> {
  const peers = await store.peers.list({ status: 'REGISTERED' });
  return peers.find((p) => findParty(p.roles, party.countryCode, party.partyId) !== undefined);
}

/**
 * A `realTime` function for authorizeAtCpo, asking `peer`. An HTTP 404 or OCPI 2004 is the eMSP
 * saying it does not know the token (2.1.1 answers 404 without a 2004): `unknown`, never
 * `unreachable`, or an ALLOWED_OFFLINE token the eMSP dropped would pass on the offline fallback.
 */
export function realTimeAuthorizer(
  peer: PeerRecord | undefined,
  clientFactory: ClientFactory,
): (signal: AbortSignal, request: RealTimeRequest) => Promise<RealTimeAnswer> {
  return async (signal, request) => {
    if (peer === undefined)
      return { kind: 'unreachable', reason: 'no connection with the eMSP of this token' };
    const version = peer.version;
    const url = peer.endpoints.find((e) => e.identifier === 'tokens' && e.role === 'SENDER')?.url;
    const row =
      version === null ? undefined : rowsFor(version, 'tokens', 'SENDER').find((r) => r.method === 'POST');
    if (version === null || url === undefined || row === undefined || peer.outgoingToken === null) {
      return { kind: 'unreachable', reason: 'the eMSP offers no real-time authorization' };
    }
    const client = clientFactory({ version, token: peer.outgoingToken });
    const body = fromCanonical(
      'LocationReferences',
      version,
      request.location as unknown as Record<string, unknown>,
    ).value;
    try {
      const result = await client.callEndpoint(row, {
        url,
        params: { token_uid: request.uid },
        ...(version === '2.1.1' ? {} : { query: { type: request.type } }),
        body,
        signal,
      });
      // 2.1.1 answers carry no token: read partially, the decision does not need it.
      const info = toCanonical('AuthorizationInfo', version, result.data as Record<string, unknown>, {
        partial: version === '2.1.1',
      }).value as unknown as RealTimeAuthorizationInfo;
      return { kind: 'info', info };
    } catch (error) {
      if (
        (error instanceof OcpiStatusError && (error.code === 2004 || error.httpStatus === 404)) ||
        (error instanceof OcpiHttpError && error.httpStatus === 404)
      ) {
        return { kind: 'unknown' };
      }
      return { kind: 'unreachable', reason: describeClientError(error) };
    }
  };
}
