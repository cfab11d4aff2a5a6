/**
 * The input of the charging module: a session's meter timeline, as a Charge Point reports it
 * (OCPP MeterValues) or a simulator produces it.
 */

/**
 * One meter reading.
 *
 * - `energyKwh` is cumulative since the session started (the meter's start value already
 *   subtracted), so it is 0 at `startDateTime`. Between two samples it is taken to grow linearly;
 *   that is how a split instant between samples (a 20:00 boundary, a 10 kWh threshold) gets its
 *   energy, the interpolation the CDRs chapter allows when the Charge Point sent no reading at
 *   that moment.
 * - `powerKw` and `currentA` are step values: they hold from this sample until the next one (or
 *   until the session end for the last sample). Power and current restrictions of a Tariff are
 *   judged on them, and the MIN/MAX_POWER and MIN/MAX_CURRENT dimensions are taken from them.
 *   `currentA` is the sum over all phases, as the restrictions mean it; leave it out when the
 *   Charge Point does not report it (then no current restriction matches and no current
 *   dimension is written).
 * - A sample with non-zero power is charging (TIME); a negative power is energy flowing back to
 *   the grid, still not parking. Power 0 is PARKING_TIME, the vehicle not asking for energy,
 *   unless `evseSuspended` says the EVSE (smart charging, OCPP SuspendedEVSE) is holding back
 *   energy the vehicle still wants: 2.3.0 counts that as charging time, not parking.
 */
export interface MeterSample {
  time: Date;
  /** kWh delivered since the session start (cumulative). */
  energyKwh: number;
  /** kW from this sample until the next. */
  powerKw: number;
  /** A, sum over all phases, from this sample until the next. */
  currentA?: number;
  /** Power is 0 because the EVSE paused delivery while the EV still requests it: TIME, not PARKING_TIME. */
  evseSuspended?: boolean;
}

/** Whether the interval that starts at this sample counts as charging (TIME) rather than PARKING_TIME. */
export function isCharging(sample: Pick<MeterSample, 'powerKw' | 'evseSuspended'>): boolean {
  return sample.powerKw !== 0 || sample.evseSuspended === true;
}
