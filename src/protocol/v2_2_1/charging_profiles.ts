/**
 * OCPI 2.2.1, chapter "ChargingProfiles": smart charging limits for a running session (new in 2.2;
 * 2.1.1's smart charging chapter was a placeholder without objects).
 */
import type { Static } from '@sinclair/typebox';
import {
  DateTime,
  OcpiClass,
  OcpiEnum,
  OcpiInt,
  OcpiNumber,
  Optional,
  Url,
  ZeroOrMore,
} from '../common/primitives.js';

export const ChargingRateUnit = OcpiEnum('ChargingRateUnit', ['W', 'A']);
export type ChargingRateUnit = Static<typeof ChargingRateUnit>;

/** The Receiver's synchronous answer to GET, PUT and DELETE. */
export const ChargingProfileResponseType = OcpiEnum('ChargingProfileResponseType', [
  'ACCEPTED',
  'NOT_SUPPORTED',
  'REJECTED',
  'TOO_OFTEN',
  'UNKNOWN_SESSION',
]);
export type ChargingProfileResponseType = Static<typeof ChargingProfileResponseType>;

/** The EVSE's result, POSTed later to the Sender's `response_url`. */
export const ChargingProfileResultType = OcpiEnum('ChargingProfileResultType', [
  'ACCEPTED',
  'REJECTED',
  'UNKNOWN',
]);
export type ChargingProfileResultType = Static<typeof ChargingProfileResultType>;

/** One step of a profile: `limit` applies from `start_period` seconds until the next period starts. */
export const ChargingProfilePeriod = OcpiClass('ChargingProfilePeriod', {
  start_period: OcpiInt(),
  limit: OcpiNumber(),
});
export type ChargingProfilePeriod = Static<typeof ChargingProfilePeriod>;

/** Limits over time; relative to the start of charging when `start_date_time` is absent. */
export const ChargingProfile = OcpiClass('ChargingProfile', {
  start_date_time: Optional(DateTime()),
  duration: Optional(OcpiInt()),
  charging_rate_unit: ChargingRateUnit,
  min_charging_rate: Optional(OcpiNumber()),
  charging_profile_period: ZeroOrMore(ChargingProfilePeriod),
});
export type ChargingProfile = Static<typeof ChargingProfile>;

/** The profile the Charge Point actually applies, computed at `start_date_time`. */
export const ActiveChargingProfile = OcpiClass('ActiveChargingProfile', {
  start_date_time: DateTime(),
  charging_profile: ChargingProfile,
});
export type ActiveChargingProfile = Static<typeof ActiveChargingProfile>;

/** Synchronous answer of the Receiver; `timeout` (seconds) bounds the wait for the result. */
export const ChargingProfileResponse = OcpiClass('ChargingProfileResponse', {
  result: ChargingProfileResponseType,
  timeout: OcpiInt(),
});
export type ChargingProfileResponse = Static<typeof ChargingProfileResponse>;

/** Asynchronous result of a GET (ActiveChargingProfile); `profile` only when ACCEPTED. */
export const ActiveChargingProfileResult = OcpiClass('ActiveChargingProfileResult', {
  result: ChargingProfileResultType,
  profile: Optional(ActiveChargingProfile),
});
export type ActiveChargingProfileResult = Static<typeof ActiveChargingProfileResult>;

/**
 * Asynchronous result of a PUT (SetChargingProfile). Same shape as ClearProfileResult: only the
 * `response_url` it arrives on tells them apart.
 */
export const ChargingProfileResult = OcpiClass('ChargingProfileResult', {
  result: ChargingProfileResultType,
});
export type ChargingProfileResult = Static<typeof ChargingProfileResult>;

/** Asynchronous result of a DELETE (clear profile); see ChargingProfileResult. */
export const ClearProfileResult = OcpiClass('ClearProfileResult', {
  result: ChargingProfileResultType,
});
export type ClearProfileResult = Static<typeof ClearProfileResult>;

/** PUT body to the Receiver: the profile to apply and where to POST the ChargingProfileResult. */
export const SetChargingProfile = OcpiClass('SetChargingProfile', {
  charging_profile: ChargingProfile,
  response_url: Url(),
});
export type SetChargingProfile = Static<typeof SetChargingProfile>;
