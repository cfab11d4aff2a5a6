/**
 * The Charging Profiles module's vocabulary (OCPI 2.2.1 and 2.3.0; 2.1.1 has no such module),
 * shared by the sending side (an SCSP or eMSP: smart charging) and the receiving side (a CPO).
 *
 * Each request is one row of the commands table (kind `chargingprofiles`, src/store/commands.ts):
 * its `command` says which request it is, its `reference` the session it is about.
 */
import { enumValues, v2_3_0 } from '../../protocol/index.js';
import type { CommandRecord } from '../../store/commands.js';

export type { CommandRecord as ChargingProfileRecord };

export const CHARGING_PROFILES_KIND = 'chargingprofiles' as const;

/** The three requests of the Receiver interface. */
export const PROFILE_REQUESTS = [
  'SET_CHARGING_PROFILE',
  'GET_ACTIVE_CHARGING_PROFILE',
  'CLEAR_PROFILE',
] as const;
export type ProfileRequestType = (typeof PROFILE_REQUESTS)[number];

/** A CPO's push of a session's new ActiveChargingProfile (SENT at the CPO, RECEIVED at the sender). */
export const ACTIVE_PROFILE_PUSH = 'ACTIVE_CHARGING_PROFILE';

export const isProfileRequest = (value: unknown): value is ProfileRequestType =>
  typeof value === 'string' && (PROFILE_REQUESTS as readonly string[]).includes(value);

/**
 * Per request: the HTTP method at the Receiver, the callback path of our Sender interface its
 * result comes back on (`{path}/{request_id}`; set and clear results have the same shape, so
 * the path is what tells them apart), and the result's object.
 */
export const PROFILE_REQUEST_FACTS: Record<
  ProfileRequestType,
  { method: 'PUT' | 'GET' | 'DELETE'; callback: string; resultObject: string }
> = {
  SET_CHARGING_PROFILE: { method: 'PUT', callback: 'chargingprofile', resultObject: 'ChargingProfileResult' },
  GET_ACTIVE_CHARGING_PROFILE: {
    method: 'GET',
    callback: 'activechargingprofile',
    resultObject: 'ActiveChargingProfileResult',
  },
  CLEAR_PROFILE: { method: 'DELETE', callback: 'clearprofile', resultObject: 'ClearProfileResult' },
};

/** The request a callback path belongs to. */
export function requestOfCallback(callback: string): ProfileRequestType | undefined {
  return PROFILE_REQUESTS.find((r) => PROFILE_REQUEST_FACTS[r].callback === callback);
}

/** ChargingProfileResponseType: the CPO's synchronous answer (the protocol's enum). */
export type ChargingProfileResponseType = v2_3_0.chargingProfiles.ChargingProfileResponseType;
export const PROFILE_RESPONSE_TYPES: readonly ChargingProfileResponseType[] = enumValues(
  v2_3_0.chargingProfiles.ChargingProfileResponseType,
);

/** ChargingProfileResultType: what the EVSE did (the protocol's enum). */
export type ChargingProfileResultType = v2_3_0.chargingProfiles.ChargingProfileResultType;
export const PROFILE_RESULT_TYPES: readonly ChargingProfileResultType[] = enumValues(
  v2_3_0.chargingProfiles.ChargingProfileResultType,
);

/**
 * A request's final word (record.outcome): a ChargingProfileResultType; the response when it was
 * not ACCEPTED (NOT_SUPPORTED, REJECTED, TOO_OFTEN, UNKNOWN_SESSION); TIMEOUT (no result in
 * time: the sender's own deadline, or at the CPO the charge point's); ERROR (the request failed).
 */
export type ChargingProfileOutcome =
  | ChargingProfileResultType
  | ChargingProfileResponseType
  | 'TIMEOUT'
  | 'ERROR';

/** What the sender asks, canonical. */
export type ProfileRequest =
  | { type: 'SET_CHARGING_PROFILE'; sessionId: string; chargingProfile: Record<string, unknown> }
  | { type: 'GET_ACTIVE_CHARGING_PROFILE'; sessionId: string; durationS: number }
  | { type: 'CLEAR_PROFILE'; sessionId: string };

export type ProfileSendErrorKind =
  /** No such peer. */
  | 'unknown_peer'
  /** Not registered, speaks 2.1.1, offers no Charging Profiles Receiver, or we serve no Sender interface. */
  | 'peer_not_ready'
  /** The request does not validate. */
  | 'invalid_request';

/** A request our side refuses to send, before anything goes out (nothing is stored). */
export class ProfileSendError extends Error {
  override readonly name = 'ProfileSendError';
  constructor(
    readonly kind: ProfileSendErrorKind,
    message: string,
  ) {
    super(message);
  }
}
