/**
 * What the outbox sends for a row of this module (the Commands module's worker, kind
 * `chargingprofiles`): a request's result to the response_url it came with, in its version and
 * as the object of its kind; or a push of a session's ActiveChargingProfile to PUT {session_id}
 * of the peer's Sender interface.
 */
import { fromCanonical } from '../../model/index.js';
import { rowsFor } from '../../protocol/index.js';
import type { CommandRecord } from '../../store/commands.js';
import type { PeerRecord } from '../../store/types.js';
import type { OutgoingPost } from '../commands/outbox.js';
import { ACTIVE_PROFILE_PUSH, isProfileRequest, PROFILE_REQUEST_FACTS } from './types.js';

type Json = Record<string, unknown>;

export function chargingProfilePost(record: CommandRecord, peer: PeerRecord): OutgoingPost | string {
  const senderRows = rowsFor(record.version, 'chargingprofiles', 'SENDER');
  if (record.command === ACTIVE_PROFILE_PUSH) {
    const row = senderRows.find((r) => r.method === 'PUT');
    const url = peer.endpoints.find((e) => e.identifier === 'chargingprofiles' && e.role === 'SENDER')?.url;
    const active = record.request.active_charging_profile as Json | undefined;
    if (row === undefined || url === undefined || active === undefined) {
      return 'the peer offers no Charging Profiles Sender interface any more';
    }
    return {
      row,
      url,
      body: fromCanonical('ActiveChargingProfile', record.version, active).value,
      params: { session_id: String(record.request.session_id) },
    };
  }
  if (!isProfileRequest(record.command)) return `not a charging profile request: ${record.command}`;
  const facts = PROFILE_REQUEST_FACTS[record.command];
  const row = senderRows.find((r) => r.method === 'POST' && r.path.startsWith(`${facts.callback}/`));
  const url = record.request.response_url;
  if (row === undefined || typeof url !== 'string' || record.result === null) {
    return 'the request has no response_url or no result';
  }
  return {
    row,
    url,
    body: fromCanonical(facts.resultObject, record.version, record.result).value,
    params: { request_id: record.id },
  };
}
