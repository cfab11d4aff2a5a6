/**
 * The Sessions module (every version): the Sender interface lists our Sessions to the eMSP each
 * is for and (2.2.1+) takes the driver's Charging Preferences for a running one; the Receiver
 * interface keeps what CPOs push (PUT, PATCH adding charging periods in 2.2.1+). The list and the
 * Receiver are the shared mechanism of published-objects/.
 */
import type { ObjectKey, Store } from '../store/types.js';
import { inAudience } from './delivery/publisher.js';
import type { OcpiHandler, OcpiModule, OcpiOutcome } from './modules.js';
import { type ObjectModuleDeps, objectModule, SESSIONS } from './published-objects/index.js';
import { servedParties } from './published-objects/sender.js';
import { convertUp, firstOf } from './published-objects/shared.js';

type Json = Record<string, unknown>;

export type ChargingPreferencesResponse =
  | 'ACCEPTED'
  | 'DEPARTURE_REQUIRED'
  | 'ENERGY_NEED_REQUIRED'
  | 'NOT_POSSIBLE'
  | 'PROFILE_TYPE_NOT_SUPPORTED';

/** What the CPO knows when preferences arrive: the session, its EVSE and connector, the connector's tariffs. */
export interface PreferencesContext {
  session: Json;
  evse: Json | undefined;
  connector: Json | undefined;
  tariffs: readonly Json[];
  now: Date;
}

/** The connector's power in kW (max_electric_power, else voltage × amperage × phases). */
function connectorKw(connector: Json | undefined): number | undefined {
  if (connector === undefined) return undefined;
  if (typeof connector.max_electric_power === 'number') return connector.max_electric_power / 1000;
  const { max_voltage: v, max_amperage: a, power_type: type } = connector;
  if (typeof v !== 'number' || typeof a !== 'number') return undefined;
  const phases = type === 'AC_3_PHASE' ? 3 : 1;
  return (v * a * phases) / 1000;
}

/**
 * The answer to a driver's preferences (Sessions chapter, ChargingPreferencesResponse), or
 * 'NOT_CAPABLE' when the EVSE lacks CHARGING_PREFERENCES_CAPABLE (the chapter: HTTP 404, 2001).
 * Choices where the chapter leaves room: a REGULAR profile needs nothing more; any smart profile
 * needs departure_time and energy_need (without both nothing can be planned); a profile is
 * supported when one of the connector's tariffs is of its PROFILE_ type (the chapter: a Tariff
 * MUST exist for each supported profile); a departure already past, or more energy than the
 * connector can deliver before it, is NOT_POSSIBLE; so is a session that is no longer running.
 */
export function judgeChargingPreferences(
  preferences: Json,
  context: PreferencesContext,
): ChargingPreferencesResponse | 'NOT_CAPABLE' {
  const capabilities = Array.isArray(context.evse?.capabilities)
    ? (context.evse.capabilities as unknown[])
    : [];
  if (!capabilities.includes('CHARGING_PREFERENCES_CAPABLE')) return 'NOT_CAPABLE';
  if (!['ACTIVE', 'PENDING', 'RESERVATION'].includes(String(context.session.status))) return 'NOT_POSSIBLE';
  const profile = String(preferences.profile_type);
  if (profile !== 'REGULAR') {
    if (!context.tariffs.some((t) => t.type === `PROFILE_${profile}`)) return 'PROFILE_TYPE_NOT_SUPPORTED';
    if (preferences.departure_time === undefined) return 'DEPARTURE_REQUIRED';
    if (preferences.energy_need === undefined) return 'ENERGY_NEED_REQUIRED';
  }
  if (typeof preferences.departure_time === 'string') {
    const hours = (Date.parse(preferences.departure_time) - context.now.getTime()) / 3_600_000;
    if (!(hours > 0)) return 'NOT_POSSIBLE';
    const kw = connectorKw(context.connector);
    const need = typeof preferences.energy_need === 'number' ? preferences.energy_need : 0;
    if (kw !== undefined && need > kw * hours) return 'NOT_POSSIBLE';
  }
  return 'ACCEPTED';
}

/** Where accepted preferences are kept (node_meta): for the smart-charging system to read. */
export const preferencesMetaKey = (key: ObjectKey): string =>
  `charging_preferences/${key.countryCode}/${key.partyId}/${key.id}`;

async function preferencesContext(
  store: Store,
  session: { key: ObjectKey; data: Json },
  now: Date,
): Promise<PreferencesContext> {
  const { data } = session;
  const location = await store.objects.get('locations', { ...session.key, id: String(data.location_id) });
  const evses = Array.isArray(location?.data.evses) ? (location.data.evses as Json[]) : [];
  const evse = evses.find((e) => e.uid === data.evse_uid);
  const connectors = Array.isArray(evse?.connectors) ? (evse.connectors as Json[]) : [];
  const connector = connectors.find((c) => c.id === data.connector_id);
  const tariffIds = Array.isArray(connector?.tariff_ids) ? (connector.tariff_ids as string[]) : [];
  const tariffs = await store.objects.getMany(
    'tariffs',
    tariffIds.map((id) => ({ ...session.key, id })),
  );
  return {
    session: data,
    evse,
    connector,
    tariffs: tariffs.filter((t) => !t.deleted).map((t) => t.data),
    now,
  };
}

/** PUT {session_id}/charging_preferences of the Sender (CPO, 2.2.1+). */
function chargingPreferences(deps: ObjectModuleDeps): OcpiHandler {
  return async (ctx): Promise<OcpiOutcome> => {
    const id = ctx.params.session_id as string;
    // A party sees only its own sessions: another eMSP's is answered as unknown.
    const session = await firstOf(
      deps.store,
      'sessions',
      servedParties(deps.config, ctx.version).map((party) => ({ ...party, id })),
      (record) => record.peerId === null && inAudience(ctx.peer, record.audience),
    );
    if (session === undefined) return { statusCode: 2000, httpStatus: 404, message: `unknown session ${id}` };
    const party = { country_code: session.key.countryCode, party_id: session.key.partyId };
    const converted = convertUp('ChargingPreferences', ctx.version, ctx.body as Json, { party }, ctx.log);
    if (!converted.ok) return converted.outcome;
    const now = deps.now?.() ?? new Date();
    const answer = judgeChargingPreferences(
      converted.value,
      await preferencesContext(deps.store, session, now),
    );
    if (answer === 'NOT_CAPABLE') {
      return {
        statusCode: 2001,
        httpStatus: 404,
        message: `EVSE ${String(session.data.evse_uid)} does not take charging preferences (no CHARGING_PREFERENCES_CAPABLE)`,
      };
    }
    if (answer === 'ACCEPTED') await deps.store.meta.set(preferencesMetaKey(session.key), converted.value);
    return { statusCode: 1000, data: answer };
  };
}

export function sessionsModule(deps: ObjectModuleDeps): OcpiModule {
  const shared = objectModule(SESSIONS, deps);
  const preferences = chargingPreferences(deps);
  return {
    ...shared,
    handler: (row) =>
      row.interface === 'SENDER' && row.method === 'PUT' && row.path === '{session_id}/charging_preferences'
        ? preferences
        : shared.handler(row),
  };
}
