/**
 * Finding a party by its codes. `country_code` and `party_id` are CiStrings in 2.2.1+ (compared
 * without case; 2.1.1 codes are upper case anyway), so every place that matches an owner against
 * our hosted parties or a peer's parties compares the same way, and keys use the spelling of the
 * list the party was found in.
 */

import type { PartyKey, PeerRecord } from '../store/types.js';

/** Two party codes are the same when they differ in case only. */
export const sameCode = (a: unknown, b: unknown): boolean =>
  typeof a === 'string' && typeof b === 'string' && a.toUpperCase() === b.toUpperCase();

/** The entry of `parties` (hosted parties, a peer's CredentialsRole objects) with these codes. */
export function findParty<P extends { country_code?: unknown; party_id?: unknown }>(
  parties: readonly P[],
  countryCode: unknown,
  partyId: unknown,
): P | undefined {
  return parties.find((p) => sameCode(p.country_code, countryCode) && sameCode(p.party_id, partyId));
}

/** A peer's parties (its credentials' CredentialsRole objects) as owner codes. */
export function peerParties(peer: Pick<PeerRecord, 'roles'>): { country_code: string; party_id: string }[] {
  const out: { country_code: string; party_id: string }[] = [];
  for (const role of peer.roles) {
    if (typeof role.country_code === 'string' && typeof role.party_id === 'string') {
      out.push({ country_code: role.country_code, party_id: role.party_id });
    }
  }
  return out;
}

/** A peer's parties as store keys (PartyKey). */
export function peerPartyKeys(peer: Pick<PeerRecord, 'roles'>): PartyKey[] {
  return peerParties(peer).map((p) => ({ countryCode: p.country_code, partyId: p.party_id }));
}
