/**
 * What the node does with what its charge points report (ChargePointEvents), whichever gateway
 * reports it: a command's result goes to the Commands module; a session start, meter values and
 * a stop drive the CPO's charging sessions (platform.chargingSessions: the Session pushed as it
 * runs, the CDR at the end); an EVSE status becomes a Location PATCH through the publisher.
 *
 * A session started for a START_SESSION command carries the command's token (as the eMSP sent
 * it: the eMSP authorized it, the CPO does not ask again) and its authorization_reference, with
 * auth method COMMAND. A token presented locally is authorized first (whitelist or real time).
 */
import { formatDateTime } from '../../protocol/index.js';
import type { CommandRecord } from '../../store/commands.js';
import type { Store } from '../../store/types.js';
import type { Authorization, ChargingSessions } from '../charging-sessions/index.js';
import type { Publisher } from '../delivery/publisher.js';
import type { ChargePointAnswer, ChargePointEvents, EvseRef } from './types.js';

type Json = Record<string, unknown>;

export interface ChargePointEventsDeps {
  store: Store;
  publisher: Publisher;
  chargingSessions: ChargingSessions;
  /** The command a charge point reports on (a received START_SESSION). */
  command(commandId: string): Promise<CommandRecord | undefined>;
  /** Stores a charge point's answer to a command (and posts it to the sender). */
  commandResult(commandId: string, answer: ChargePointAnswer): Promise<unknown>;
  /** Notes the session a START_SESSION started (the command's reference). */
  sessionOfCommand(commandId: string, sessionId: string): Promise<void>;
  reservationCanceled(reservationId: string): Promise<unknown>;
  now?: () => Date;
}

/** The token of a command as the Session and CDR carry it. */
function cdrToken(token: Json): NonNullable<Authorization['cdrToken']> {
  return {
    country_code: String(token.country_code),
    party_id: String(token.party_id),
    uid: String(token.uid),
    type: String(token.type),
    contract_id: String(token.contract_id),
  };
}

export function createChargePointEvents(deps: ChargePointEventsDeps): ChargePointEvents {
  const now = deps.now ?? (() => new Date());
  /** The last step of each session in progress: a session's reports apply one after the other. */
  const chains = new Map<string, Promise<unknown>>();

  /**
   * Runs `step` after the session's earlier steps. A backend may report a meter value and the
   * stop at once (two HTTP requests): applied side by side, the meter value's Session (ACTIVE)
   * could be written after the stop's (COMPLETED). In arrival order, a meter value after the stop
   * is refused (the session no longer runs).
   */
  function serial<T>(sessionId: string, step: () => Promise<T>): Promise<T> {
    const previous = chains.get(sessionId) ?? Promise.resolve();
    const next = previous.then(step, step);
    const settled = next.catch(() => undefined);
    chains.set(sessionId, settled);
    void settled.then(() => {
      if (chains.get(sessionId) === settled) chains.delete(sessionId);
    });
    return next;
  }

  /**
   * An EVSE status stamped `when`, never earlier than the EVSE's own last_updated (a receiver
   * ignores an older PATCH); as the charging sessions do for CHARGING and AVAILABLE.
   */
  async function setEvseStatus(at: EvseRef, status: string, when: Date): Promise<void> {
    const location = await deps.store.objects.get('locations', at.location);
    const evses = Array.isArray(location?.data.evses) ? (location.data.evses as Json[]) : [];
    const evse = evses.find((e) => e.uid === at.evseUid);
    if (location === undefined || location.peerId !== null || evse === undefined) {
      throw new RangeError(`no EVSE ${at.evseUid} at location ${at.location.id} of ours`);
    }
    if (evse.status === status) return;
    const held = typeof evse.last_updated === 'string' ? Date.parse(evse.last_updated) : Number.NaN;
    const stamp = Number.isNaN(held) || held < when.getTime() ? when : new Date(held + 1000);
    await deps.publisher.patch('locations', at.location, [at.evseUid], {
      status,
      last_updated: formatDateTime(stamp),
    });
  }

  return {
    async commandResult(commandId, answer) {
      await deps.commandResult(commandId, answer);
    },

    async sessionStarted(start) {
      const when = start.when ?? now();
      let authorization: Authorization;
      if (start.commandId !== undefined) {
        const command = await deps.command(start.commandId);
        if (command === undefined || command.side !== 'RECEIVED' || command.command !== 'START_SESSION') {
          throw new RangeError(`no START_SESSION command ${start.commandId}`);
        }
        const reference = command.request.authorization_reference;
        authorization = {
          decision: {
            authorized: true,
            source: 'whitelist',
            reason: 'remote start (START_SESSION): the token is authorized by its eMSP',
            decided_at: formatDateTime(when),
            ...(typeof reference === 'string' ? { authorization_reference: reference } : {}),
          },
          cdrToken: cdrToken(command.request.token as Json),
        };
      } else if (start.token !== undefined) {
        authorization = await deps.chargingSessions.authorize(start.token, start.at, when);
        if (!authorization.decision.authorized) return { refused: authorization.decision.reason };
      } else {
        throw new RangeError('a session start names a command or a token');
      }
      const sessionId = await deps.chargingSessions.start({
        authorization,
        at: start.at,
        when,
        ...(start.sessionId === undefined ? {} : { id: start.sessionId }),
        ...(start.commandId === undefined ? {} : { authMethod: 'COMMAND' as const }),
      });
      if (start.commandId !== undefined) await deps.sessionOfCommand(start.commandId, sessionId);
      return { sessionId };
    },

    meterValues: (sessionId, sample) =>
      serial(sessionId, () => deps.chargingSessions.meter(sessionId, sample)),

    sessionStopped: (sessionId, when) =>
      serial(sessionId, async () => {
        const { cdr } = await deps.chargingSessions.stop(sessionId, when ?? now());
        return { cdrId: String(cdr.id) };
      }),

    evseStatus: (at, status, when) => setEvseStatus(at, status, when ?? now()),

    async reservationCanceled(reservationId) {
      await deps.reservationCanceled(reservationId);
    },
  };
}
