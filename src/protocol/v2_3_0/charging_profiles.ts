/** OCPI 2.3.0, chapter "ChargingProfiles": unchanged since 2.2.1 (also in the bookings branch). */
export {
  ActiveChargingProfile,
  ActiveChargingProfileResult,
  ChargingProfile,
  ChargingProfilePeriod,
  ChargingProfileResponse,
  ChargingProfileResponseType,
  ChargingProfileResult,
  ChargingProfileResultType,
  ChargingRateUnit,
  ClearProfileResult,
  SetChargingProfile,
} from '../v2_2_1/charging_profiles.js';
