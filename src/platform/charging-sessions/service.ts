/**
 * The CPO's charging sessions: a token presented at an EVSE is authorized (whitelist or real time,
 * authorization/cpo.ts), the session starts (EVSE status CHARGING, a Session pushed), meter values
 * come in (charging periods split at every cost boundary by charging/, kwh and cost so far pushed
 * as PATCHes), and it stops (Session COMPLETED, EVSE AVAILABLE, the CDR). Every change goes through
 * the publisher, so it is committed with what each peer is owed; the peers get the current state.
 *
 * What lives in this process: the meter state of running sessions (a real CPO gets it from its
 * charging stations again after a restart, OCPP; the simulator drives it here). Everything a peer
 * sees is in the store.
 */
import { randomUUID } from 'node:crypto';
import { type MeterSample, PeriodBuilder } from '../../charging/index.js';
import { formatDateTime } from '../../protocol/index.js';
import type { ChargingPeriod } from '../../protocol/v2_3_0/cdrs.js';
import type { Tariff } from '../../protocol/v2_3_0/tariffs.js';
import type { ObjectKey, PartyKey, Store } from '../../store/types.js';
import { type Pricing, priceSession } from '../../tariff/index.js';
import { authorizeAtCpo, type CpoAuthorization, type Token } from '../authorization/index.js';
import type { NodeConfig } from '../config.js';
import type { ClientFactory } from '../credentials.js';
import type { Publisher, PublishPatch } from '../delivery/publisher.js';
import { tokenObjectId } from '../object-modules.js';
import { peerPartyKeys } from '../parties.js';
import {
  type CdrToken,
  cdrDocument,
  creditCdrDocument,
  type SessionFacts,
  sessionDocument,
} from './documents.js';
import { peerOfParty, realTimeAuthorizer } from './realtime.js';

type Json = Record<string, unknown>;

/** A token as read at the charge point; `issuer`, the eMSP's party, when our cache may not know it. */
export interface PresentedToken {
  uid: string;
  type: string;
  issuer?: PartyKey;
}

/** Where: one of our Locations, an EVSE and a connector of it. */
export interface ChargePoint {
  location: ObjectKey;
  evseUid: string;
  connectorId: string;
}

export interface ChargingSessionsDeps {
  config: NodeConfig;
  store: Store;
  publisher: Publisher;
  clientFactory: ClientFactory;
  now?: () => Date;
  /** How long a driver waits for the eMSP's real-time answer (default 5 s). */
  authorizationTimeoutMs?: number;
  whitelistAllowed?: 'cache' | 'real-time';
}

export interface Authorization {
  decision: CpoAuthorization;
  /** The token as the Session and CDR will carry it (when it is known). */
  cdrToken?: CdrToken;
}

export interface ChargingSessions {
  authorize(token: PresentedToken, at: ChargePoint, when?: Date): Promise<Authorization>;
  /** Starts an authorized session: EVSE CHARGING, the Session ACTIVE. Returns its id. */
  start(input: {
    authorization: Authorization;
    at: ChargePoint;
    when?: Date;
    id?: string;
    authMethod?: SessionFacts['authMethod'];
  }): Promise<string>;
  /** A meter value: the Session's kwh, closed charging periods and cost so far. */
  meter(sessionId: string, sample: MeterSample): Promise<void>;
  /**
   * Ends the session: Session COMPLETED with every period, the CDR published (one transaction),
   * then the EVSE AVAILABLE. `final`: the meter reading at the stop (OCPP's meterStop), if any.
   * A session that never had a meter value ends with one period of no energy.
   */
  stop(sessionId: string, when?: Date, final?: MeterSample): Promise<{ session: Json; cdr: Json }>;
  /**
   * Corrects a CDR already sent: a credit CDR cancelling it, then `corrected` as a new CDR with a
   * new id (CDRs chapter). Both published (sent) in one transaction.
   */
  correct(
    cdr: ObjectKey,
    corrected: (original: Json) => Json,
    when?: Date,
  ): Promise<{ credit: Json; replacement: Json }>;
  /** Ids of the sessions running in this process. */
  running(): string[];
}

interface Running {
  facts: SessionFacts;
  builder: PeriodBuilder;
  tariffs: Json[];
  timeZone: string;
  at: ChargePoint;
  /** The session's steps run one after another (a meter value racing the stop must not win). */
  queue: Promise<unknown>;
  ended: boolean;
}

/**
 * Runs `step` after the session's earlier steps; refuses once the session has ended, so a meter
 * value that arrives late can never turn a COMPLETED Session back into an ACTIVE one.
 */
function serial<T>(run: Running, id: string, step: () => Promise<T>): Promise<T> {
  const next = run.queue.then(() => {
    if (run.ended) throw new RangeError(`session ${id} has ended`);
    return step();
  });
  run.queue = next.catch(() => {});
  return next;
}

const evsesOf = (location: Json): Json[] => (Array.isArray(location.evses) ? (location.evses as Json[]) : []);

export function createChargingSessions(deps: ChargingSessionsDeps): ChargingSessions {
  const { store, publisher } = deps;
  const now = deps.now ?? (() => new Date());
  const running = new Map<string, Running>();

  async function ourLocation(at: ChargePoint): Promise<Json> {
    const record = await store.objects.get('locations', at.location);
    if (record === undefined || record.peerId !== null || record.deleted) {
      throw new RangeError(`no location ${at.location.id} of ours`);
    }
    const evse = evsesOf(record.data).find((e) => e.uid === at.evseUid);
    const connectors = Array.isArray(evse?.connectors) ? (evse.connectors as Json[]) : [];
    if (!connectors.some((c) => c.id === at.connectorId)) {
      throw new RangeError(
        `location ${at.location.id} has no EVSE ${at.evseUid} with connector ${at.connectorId}`,
      );
    }
    return record.data;
  }

  /** Our cached copy of the token (pushed by its eMSP): under its issuer, or any connected eMSP's. */
  async function cachedToken(token: PresentedToken): Promise<Token | undefined> {
    const id = tokenObjectId(token.uid, token.type);
    const parties: PartyKey[] = [];
    if (token.issuer !== undefined) parties.push(token.issuer);
    else {
      // Every party of every peer: 2.1.1 credentials name one party and no role.
      for (const peer of await store.peers.list({ status: 'REGISTERED' }))
        parties.push(...peerPartyKeys(peer));
    }
    for (const party of parties) {
      const record = await store.objects.get('tokens', { ...party, id });
      if (record !== undefined && record.peerId !== null && !record.deleted)
        return record.data as unknown as Token;
    }
    return undefined;
  }

  const cdrTokenOf = (token: Token): CdrToken => ({
    country_code: token.country_code,
    party_id: token.party_id,
    uid: token.uid,
    type: token.type,
    contract_id: token.contract_id,
  });

  async function publishSession(run: Running): Promise<Json> {
    const document = sessionDocument(run.facts);
    await publisher.put('sessions', document);
    return document;
  }

  /**
   * The EVSE's new status, stamped `when` but never earlier than the EVSE's own last_updated: a
   * receiver ignores a PATCH older than what it holds (a session replayed in the past, the
   * simulator, must still move the status on).
   */
  async function evseStatus(at: ChargePoint, status: string, when: Date): Promise<PublishPatch> {
    const location = await store.objects.get('locations', at.location);
    const evse = evsesOf(location?.data ?? {}).find((e) => e.uid === at.evseUid);
    const held = typeof evse?.last_updated === 'string' ? Date.parse(evse.last_updated) : Number.NaN;
    const stamp = Number.isNaN(held) || held < when.getTime() ? when : new Date(held + 1000);
    return {
      module: 'locations',
      key: at.location,
      path: [at.evseUid],
      changes: { status, last_updated: formatDateTime(stamp) },
    };
  }

  /** The session's cost under its tariff (src/tariff/), or undefined without a tariff or periods. */
  function price(run: Running, periods: readonly ChargingPeriod[], end: Date): Pricing | undefined {
    const tariff = run.tariffs[0];
    if (tariff === undefined || periods.length === 0) return undefined;
    return priceSession(tariff as unknown as Tariff, {
      start_date_time: formatDateTime(run.facts.start),
      end_date_time: formatDateTime(end),
      time_zone: run.timeZone,
      charging_periods: periods,
    });
  }

  async function meterStep(run: Running, sample: MeterSample): Promise<void> {
    run.builder.add(sample);
    const periods = run.builder.periods(sample.time);
    run.facts.kwh = sample.energyKwh;
    // Only closed periods go in a running Session: a change of periods is sent as a whole
    // Session (delivery/plan.ts), so a period still growing would make every kWh update a PUT.
    run.facts.periods = run.builder.closedPeriods();
    // The cost so far: every period, the growing one too, priced by the tariff engine.
    const pricing = price(run, periods, sample.time);
    if (pricing !== undefined) run.facts.pricing = pricing;
    run.facts.lastUpdated = sample.time;
    await publishSession(run);
  }

  async function stopStep(run: Running, sessionId: string, when: Date, final: MeterSample | undefined) {
    if (final !== undefined) run.builder.add(final);
    // No meter value at all: the session is measured from its start with nothing delivered.
    if (run.builder.periods(when).length === 0)
      run.builder.add({ time: run.facts.start, energyKwh: 0, powerKw: 0 });
    const periods = run.builder.periods(when);
    const facts: SessionFacts & { end: Date } = {
      ...run.facts,
      periods,
      end: when,
      status: 'COMPLETED',
      lastUpdated: when,
    };
    const pricing = price(run, periods, when);
    if (pricing !== undefined) facts.pricing = pricing;
    if (final !== undefined) facts.kwh = final.energyKwh;
    const session = sessionDocument(facts);
    const cdr = cdrDocument(facts, run.tariffs, when);
    // The Session's end, its CDR and the EVSE free again: one transaction, nothing half-written.
    await publisher.putAll(
      [
        { module: 'sessions', documents: [session] },
        { module: 'cdrs', documents: [cdr] },
      ],
      [await evseStatus(run.at, 'AVAILABLE', when)],
    );
    run.ended = true;
    running.delete(sessionId);
    return { session, cdr };
  }

  function runningSession(id: string): Running {
    const run = running.get(id);
    if (run === undefined) throw new RangeError(`no running session ${id}`);
    return run;
  }

  return {
    async authorize(token, at, when = now()) {
      await ourLocation(at);
      const cached = await cachedToken(token);
      const issuer =
        token.issuer ??
        (cached === undefined ? undefined : { countryCode: cached.country_code, partyId: cached.party_id });
      const peer = issuer === undefined ? undefined : await peerOfParty(store, issuer);
      const decision = await authorizeAtCpo({
        token: cached,
        uid: token.uid,
        type: token.type as Token['type'],
        location: { location_id: at.location.id, evse_uid: at.evseUid },
        realTime: realTimeAuthorizer(peer, deps.clientFactory),
        timeoutMs: deps.authorizationTimeoutMs ?? 5_000,
        now: when,
        ...(deps.whitelistAllowed === undefined ? {} : { whitelistAllowed: deps.whitelistAllowed }),
      });
      const known = decision.token ?? cached;
      return { decision, ...(known === undefined ? {} : { cdrToken: cdrTokenOf(known) }) };
    },

    async start({ authorization, at, when = now(), id = randomUUID(), authMethod }) {
      if (!authorization.decision.authorized || authorization.cdrToken === undefined) {
        throw new RangeError(`the token is not authorized: ${authorization.decision.reason}`);
      }
      const location = await ourLocation(at);
      const evse = evsesOf(location).find((e) => e.uid === at.evseUid) as Json;
      const connector = (evse.connectors as Json[]).find((c) => c.id === at.connectorId) as Json;
      const tariffIds = Array.isArray(connector.tariff_ids) ? (connector.tariff_ids as string[]) : [];
      const stored = await store.objects.getMany(
        'tariffs',
        tariffIds.map((tariffId) => ({ ...at.location, id: tariffId })),
      );
      // The first of the connector's tariffs that we still publish applies for the whole session.
      const tariffs = tariffIds
        .map((tariffId) => stored.find((t) => t.key.id === tariffId && !t.deleted)?.data)
        .filter((t): t is Json => t !== undefined)
        .slice(0, 1);
      const timeZone = typeof location.time_zone === 'string' ? location.time_zone : 'UTC';
      const decision = authorization.decision;
      const facts: SessionFacts = {
        owner: { country_code: at.location.countryCode, party_id: at.location.partyId },
        id,
        token: authorization.cdrToken,
        authMethod: authMethod ?? (decision.source === 'real-time' ? 'AUTH_REQUEST' : 'WHITELIST'),
        ...(decision.authorization_reference === undefined
          ? {}
          : { authorizationReference: decision.authorization_reference }),
        location,
        evseUid: at.evseUid,
        connectorId: at.connectorId,
        currency: typeof tariffs[0]?.currency === 'string' ? (tariffs[0].currency as string) : 'EUR',
        start: when,
        status: 'ACTIVE',
        kwh: 0,
        periods: [],
        lastUpdated: when,
      };
      const run: Running = {
        facts,
        builder: new PeriodBuilder({ tariffs: tariffs as never, timeZone, startDateTime: when }),
        tariffs,
        timeZone,
        at,
        queue: Promise.resolve(),
        ended: false,
      };
      // The Session and the EVSE's status in one transaction: peers never see one without the other.
      await publisher.putAll(
        [{ module: 'sessions', documents: [sessionDocument(run.facts)] }],
        [await evseStatus(at, 'CHARGING', when)],
      );
      running.set(id, run);
      return id;
    },

    async meter(sessionId, sample) {
      const run = runningSession(sessionId);
      return serial(run, sessionId, () => meterStep(run, sample));
    },

    async stop(sessionId, when = now(), final) {
      const run = runningSession(sessionId);
      return serial(run, sessionId, () => stopStep(run, sessionId, when, final));
    },

    async correct(key, corrected, when = now()) {
      const record = await store.objects.get('cdrs', key);
      if (record === undefined || record.peerId !== null) throw new RangeError(`no CDR ${key.id} of ours`);
      const credit = creditCdrDocument(record.data, when);
      const replacement = corrected(structuredClone(record.data));
      await publisher.putAll([{ module: 'cdrs', documents: [credit, replacement] }]);
      return { credit, replacement };
    },

    running: () => [...running.keys()],
  };
}
