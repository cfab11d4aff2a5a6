/**
 * The CPO's Session and CDR documents (canonical 2.3.0), as pure functions of what the charging
 * station and the authorization told us. The Session is pushed as it runs; the CDR is made once,
 * at the end, from the same charging periods (CDRs chapter: its totals are the periods' sums).
 */

import { chargingTotals } from '../../charging/index.js';
import { formatDateTime } from '../../protocol/index.js';
import type { ChargingPeriod } from '../../protocol/v2_3_0/cdrs.js';
import type { Pricing } from '../../tariff/index.js';

type Json = Record<string, unknown>;

/** The token as a Session and CDR carry it (CdrToken): enough to name it, owner included. */
export interface CdrToken {
  country_code: string;
  party_id: string;
  uid: string;
  type: string;
  contract_id: string;
}

/** A running (or ended) session, as the CPO keeps it. */
export interface SessionFacts {
  /** Our party (owner of the Session and CDR). */
  owner: { country_code: string; party_id: string };
  id: string;
  token: CdrToken;
  /** AUTH_REQUEST (real-time), WHITELIST (from the cache) or COMMAND (a remote start). */
  authMethod: 'AUTH_REQUEST' | 'WHITELIST' | 'COMMAND';
  authorizationReference?: string;
  location: Json;
  evseUid: string;
  connectorId: string;
  currency: string;
  start: Date;
  end?: Date;
  status: 'PENDING' | 'ACTIVE' | 'COMPLETED' | 'INVALID' | 'RESERVATION';
  kwh: number;
  /** Periods to put in the Session: only closed ones while it runs (a PATCH adds periods; see plan.ts). */
  periods: ChargingPeriod[];
  /** The cost by the tariff engine (src/tariff/): the CDR's cost fields come from it. */
  pricing?: Pick<
    Pricing,
    'total_cost' | 'total_fixed_cost' | 'total_energy_cost' | 'total_time_cost' | 'total_parking_cost'
  >;
  lastUpdated: Date;
}

const round = (value: number, places = 4): number => {
  const factor = 10 ** places;
  return Math.round(value * factor) / factor;
};

/** The canonical Session. */
export function sessionDocument(facts: SessionFacts): Json {
  return {
    country_code: facts.owner.country_code,
    party_id: facts.owner.party_id,
    id: facts.id,
    start_date_time: formatDateTime(facts.start),
    ...(facts.end === undefined ? {} : { end_date_time: formatDateTime(facts.end) }),
    kwh: round(facts.kwh),
    cdr_token: { ...facts.token },
    auth_method: facts.authMethod,
    ...(facts.authorizationReference === undefined
      ? {}
      : { authorization_reference: facts.authorizationReference }),
    location_id: facts.location.id,
    evse_uid: facts.evseUid,
    connector_id: facts.connectorId,
    currency: facts.currency,
    charging_periods: facts.periods,
    ...(facts.pricing === undefined ? {} : { total_cost: facts.pricing.total_cost }),
    status: facts.status,
    last_updated: formatDateTime(facts.lastUpdated),
  };
}

/** The CdrLocation: the Location as it was, reduced to the EVSE and connector used. */
export function cdrLocation(location: Json, evseUid: string, connectorId: string): Json {
  const evses = Array.isArray(location.evses) ? (location.evses as Json[]) : [];
  const evse = evses.find((e) => e.uid === evseUid);
  const connectors = Array.isArray(evse?.connectors) ? (evse.connectors as Json[]) : [];
  const connector = connectors.find((c) => c.id === connectorId);
  if (evse === undefined || connector === undefined) {
    throw new RangeError(
      `location ${String(location.id)} has no EVSE ${evseUid} with connector ${connectorId}`,
    );
  }
  const pick = (fields: readonly string[]) =>
    Object.fromEntries(fields.filter((f) => location[f] !== undefined).map((f) => [f, location[f]]));
  return {
    id: location.id,
    ...pick(['name', 'address', 'city', 'postal_code', 'state', 'country', 'coordinates']),
    evse_uid: evse.uid,
    // evse_id is required on a CdrLocation; an EVSE without one is named by its uid.
    evse_id: evse.evse_id ?? evse.uid,
    connector_id: connector.id,
    connector_standard: connector.standard,
    connector_format: connector.format,
    connector_power_type: connector.power_type,
  };
}

/**
 * The CDR of an ended session: its periods (all of them), totals from those periods, costs from
 * the pricing, the tariffs that applied (those named by a period), stamped `at`.
 */
export function cdrDocument(
  facts: SessionFacts & { end: Date },
  tariffs: readonly Json[],
  at: Date,
  cdrId: string = facts.id,
): Json {
  if (facts.periods.length === 0) throw new RangeError(`session ${facts.id} has no charging period`);
  const totals = chargingTotals(facts.periods);
  const used = new Set(facts.periods.map((p) => p.tariff_id).filter((id) => id !== undefined));
  const pricing = facts.pricing;
  return {
    country_code: facts.owner.country_code,
    party_id: facts.owner.party_id,
    id: cdrId,
    start_date_time: formatDateTime(facts.start),
    end_date_time: formatDateTime(facts.end),
    session_id: facts.id,
    cdr_token: { ...facts.token },
    auth_method: facts.authMethod,
    ...(facts.authorizationReference === undefined
      ? {}
      : { authorization_reference: facts.authorizationReference }),
    cdr_location: cdrLocation(facts.location, facts.evseUid, facts.connectorId),
    currency: facts.currency,
    ...(used.size === 0 ? {} : { tariffs: tariffs.filter((t) => used.has(t.id as string)) }),
    charging_periods: facts.periods,
    total_cost: pricing?.total_cost ?? { before_taxes: 0 },
    ...(pricing?.total_fixed_cost === undefined ? {} : { total_fixed_cost: pricing.total_fixed_cost }),
    total_energy: round(totals.total_energy),
    ...(pricing?.total_energy_cost === undefined ? {} : { total_energy_cost: pricing.total_energy_cost }),
    total_time: round(totals.total_time),
    ...(pricing?.total_time_cost === undefined ? {} : { total_time_cost: pricing.total_time_cost }),
    ...(totals.total_parking_time > 0 ? { total_parking_time: round(totals.total_parking_time) } : {}),
    ...(pricing?.total_parking_cost === undefined ? {} : { total_parking_cost: pricing.total_parking_cost }),
    last_updated: formatDateTime(at),
  };
}

const negatePrice = (price: unknown): unknown => {
  if (price === null || typeof price !== 'object') return price;
  const p = price as Json;
  return {
    ...p,
    before_taxes: -Number(p.before_taxes ?? 0),
    ...(Array.isArray(p.taxes)
      ? { taxes: (p.taxes as Json[]).map((t) => ({ ...t, amount: -Number(t.amount ?? 0) })) }
      : {}),
  };
};

/**
 * A credit CDR cancelling `original` (CDRs chapter, credit CDRs): all the original's data, a new
 * id, `credit: true`, `credit_reference_id` the original's id, and `total_cost` negated (the
 * chapter: only total_cost holds the negative amounts; the per-dimension costs stay as they
 * were). The corrected CDR then follows as a new CDR with another new id. The id appends a suffix
 * to the original's (CDR ids are 39 long so that a 36-long id can take one).
 */
export function creditCdrDocument(original: Json, at: Date, suffix = '-CR'): Json {
  const credit: Json = structuredClone(original);
  credit.id = `${String(original.id)}${suffix}`.slice(0, 39);
  credit.credit = true;
  credit.credit_reference_id = original.id;
  credit.total_cost = negatePrice(original.total_cost);
  credit.last_updated = formatDateTime(at);
  return credit;
}
