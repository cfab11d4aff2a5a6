/**
 * Who may see which of our objects. A Location's `publish` (2.2.1+) says whether it may be shown
 * to the public; when false, only the drivers of the tokens in `publish_allowed_to` may be shown
 * it. An eMSP holds those tokens and must show it to them, so it gets every location; a party
 * that publishes to everyone (NSP, NAP, OTHER) and issues no tokens gets published ones only.
 * 2.1.1 has no `publish` field: a location sent in 2.1.1 would lose the restriction and be shown
 * to everyone, so an unpublished location never goes to a peer spoken to in 2.1.1.
 * Tariffs have no publish flag: every peer that receives tariffs sees them all.
 */
import type { PeerRecord } from '../store/types.js';

/** Roles that issue tokens to drivers, and so may see locations shown to some drivers only. */
const TOKEN_ISSUING_ROLES = new Set(['EMSP']);

/** Whether one of the peer's parties issues tokens (its roles from the credentials, canonical). */
export function peerIssuesTokens(peer: Pick<PeerRecord, 'roles'>): boolean {
  return peer.roles.some((r) => typeof r.role === 'string' && TOKEN_ISSUING_ROLES.has(r.role));
}

/** Whether `peer` may see an object of ours whose `published` flag is as given. */
export function peerMaySee(peer: Pick<PeerRecord, 'roles' | 'version'>, published: boolean): boolean {
  return published || (peer.version !== '2.1.1' && peerIssuesTokens(peer));
}
