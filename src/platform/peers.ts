/**
 * A peer as operators see it (`roamkit peers list`, the admin API): everything but the secrets.
 * The token we present to the peer and the hash of the one it presents to us never leave the node.
 */
import type { PeerRecord } from '../store/types.js';

export interface PeerView {
  id: string;
  name: string | null;
  status: PeerRecord['status'];
  version: PeerRecord['version'];
  versionsUrl: string | null;
  /** `CC:PARTY:ROLE` of each of the peer's roles. */
  parties: string[];
  endpoints: PeerRecord['endpoints'];
  createdAt: string;
  updatedAt: string;
}

export function peerView(peer: PeerRecord): PeerView {
  return {
    id: peer.id,
    name: peer.name,
    status: peer.status,
    version: peer.version,
    versionsUrl: peer.versionsUrl,
    parties: peer.roles.map((r) => `${String(r.country_code)}:${String(r.party_id)}:${String(r.role)}`),
    endpoints: peer.endpoints,
    createdAt: peer.createdAt.toISOString(),
    updatedAt: peer.updatedAt.toISOString(),
  };
}
