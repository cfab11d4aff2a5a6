/**
 * Converters of the ChargingProfiles chapter. The module is new in 2.2 (2.1.1's smart charging
 * chapter defines no objects) and unchanged in 2.3.0: every object converts as it is.
 */
import { unchangedIn } from './common.js';
import type { LossyMapping, ModuleConverters } from './types.js';

const OBJECTS = [
  'ActiveChargingProfile',
  'ActiveChargingProfileResult',
  'ChargingProfile',
  'ChargingProfilePeriod',
  'ChargingProfileResponse',
  'ChargingProfileResult',
  'ClearProfileResult',
  'SetChargingProfile',
] as const;

export const converters: ModuleConverters = Object.fromEntries(
  OBJECTS.map((name) => [name, unchangedIn('2.2.1')]),
);

/** Nothing is lost or invented between 2.2.1 and 2.3.0. */
export const lossyMappings: LossyMapping[] = [];
