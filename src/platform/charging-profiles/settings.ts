/**
 * The Charging Profiles module's settings, with their defaults (as the Commands module's; every
 * field may be left out).
 */
import { type CommandsSettings, commandsSettings } from '../commands/settings.js';

export interface ChargingProfilesSettings extends CommandsSettings {
  /**
   * CPO: the least time between two requests of one peer about one session, ms; a request sooner
   * is answered TOO_OFTEN. Default 0 (no limit).
   */
  minRequestIntervalMs: number;
  /**
   * CPO: who may set, get and clear a session's profile besides the eMSP of the session's token
   * (always allowed). `scsp` (default): also a peer in the SCSP role (the CPO has delegated smart
   * charging to it: registering it is the contract). `owner`: nobody else.
   */
  allow: 'scsp' | 'owner';
}

export const DEFAULT_CHARGING_PROFILES: Pick<ChargingProfilesSettings, 'minRequestIntervalMs' | 'allow'> = {
  minRequestIntervalMs: 0,
  allow: 'scsp',
};

/** The settings with defaults for what is left out. */
export function chargingProfilesSettings(
  given: Partial<ChargingProfilesSettings> = {},
): ChargingProfilesSettings {
  const { minRequestIntervalMs, allow, tokenCheck: _unused, ...rest } = given;
  const out: ChargingProfilesSettings = { ...commandsSettings(rest), ...DEFAULT_CHARGING_PROFILES };
  if (minRequestIntervalMs !== undefined) {
    if (!Number.isFinite(minRequestIntervalMs) || minRequestIntervalMs < 0) {
      throw new RangeError('chargingProfiles.minRequestIntervalMs must be a number ≥ 0');
    }
    out.minRequestIntervalMs = minRequestIntervalMs;
  }
  if (allow !== undefined) {
    if (allow !== 'scsp' && allow !== 'owner')
      throw new RangeError(`chargingProfiles.allow: ${String(allow)}`);
    out.allow = allow;
  }
  return out;
}
