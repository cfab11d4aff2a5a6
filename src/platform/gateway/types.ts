/**
 * The charge point gateway: the one interface between a CPO node and its charge points. OCPI
 * stops at the CPO; what happens between the CPO and a charge point (OCPP, a vendor backend) is
 * the gateway's business. The node hands it commands (`dispatch`); the charge points answer and
 * report what they do through the ChargePointEvents the node connects (`connect`): the result of
 * each command, sessions starting and stopping, meter values, EVSE status changes.
 *
 * Implementations: the built-in simulator (simulator.ts), which obeys commands itself, and the
 * HTTP adapter (http.ts), which forwards them to a charging-station backend (an OCPP CSMS) and
 * takes its callbacks (docs/gateway.md).
 */
import type { MeterSample } from '../../charging/index.js';
import type { ObjectKey } from '../../store/types.js';
import type { CdrToken } from '../charging-sessions/index.js';

/** Where: one of our Locations (owner and id) and an EVSE of it, optionally a connector. */
export interface EvseRef {
  location: ObjectKey;
  evseUid: string;
}

export interface ConnectorRef extends EvseRef {
  connectorId: string;
}

/**
 * A command for a charge point, as the CPO node resolved it: concrete EVSE and connector (the
 * node picks one where the request left it open), the charge point's own reservation id (unique
 * across senders, as the spec requires), the token as the session will carry it.
 */
export type ChargePointCommand =
  | {
      kind: 'START_SESSION';
      /** The command's id at the CPO: results and the session started are reported against it. */
      commandId: string;
      at: ConnectorRef;
      token: CdrToken;
      authorizationReference?: string;
    }
  | { kind: 'STOP_SESSION'; commandId: string; sessionId: string; at: ConnectorRef }
  | {
      kind: 'RESERVE_NOW';
      commandId: string;
      at: EvseRef;
      /** Unique at the charge point (the sender's reservation_id is not). */
      reservationId: string;
      token: CdrToken;
      expiresAt: Date;
    }
  /** The charge point knows where its reservation is; `location` is where it was made. */
  | { kind: 'CANCEL_RESERVATION'; commandId: string; reservationId: string; location: ObjectKey }
  | { kind: 'UNLOCK_CONNECTOR'; commandId: string; at: ConnectorRef }
  // Smart charging (the Charging Profiles module): the profile is the canonical ChargingProfile.
  | {
      kind: 'SET_CHARGING_PROFILE';
      commandId: string;
      sessionId: string;
      at: ConnectorRef;
      profile: Record<string, unknown>;
    }
  | {
      kind: 'GET_ACTIVE_CHARGING_PROFILE';
      commandId: string;
      sessionId: string;
      at: ConnectorRef;
      durationS: number;
    }
  | { kind: 'CLEAR_CHARGING_PROFILE'; commandId: string; sessionId: string; at: ConnectorRef };

export type ChargePointCommandKind = ChargePointCommand['kind'];

/**
 * What the charge point did with a command. `result` is a CommandResultType value for the
 * commands of the Commands module (ACCEPTED, REJECTED, FAILED, EVSE_OCCUPIED, EVSE_INOPERATIVE,
 * NOT_SUPPORTED, UNKNOWN_RESERVATION, CANCELED_RESERVATION) and a ChargingProfileResultType
 * value for the profile commands (ACCEPTED, REJECTED, UNKNOWN); `data` carries what a GET of the
 * active profile returns.
 */
export interface ChargePointAnswer {
  result: string;
  message?: string;
  data?: Record<string, unknown>;
}

/** A session that started at a charge point. */
export interface SessionStart {
  /** The START_SESSION command it answers; absent for a session started locally (RFID). */
  commandId?: string;
  /** A locally presented token (no command): the node authorizes it first. */
  token?: { uid: string; type: string };
  at: ConnectorRef;
  when?: Date;
  /** The charge point's id for it; default: a new UUID. */
  sessionId?: string;
}

/** What the node does with what charge points report. Every call is committed when it resolves. */
export interface ChargePointEvents {
  /** The answer to a dispatched command (late answers, after the command timed out, are ignored). */
  commandResult(commandId: string, answer: ChargePointAnswer): Promise<void>;
  /**
   * A session started: for a command, with the command's token and authorization reference
   * (auth method COMMAND); for a local token, after authorizing it. Returns the session's id, or
   * undefined when the token was refused.
   */
  sessionStarted(start: SessionStart): Promise<{ sessionId?: string; refused?: string }>;
  /** A meter value of a running session. */
  meterValues(sessionId: string, sample: MeterSample): Promise<void>;
  /** The session ended: completed with its CDR. */
  sessionStopped(sessionId: string, when?: Date): Promise<{ cdrId: string }>;
  /** An EVSE's status changed (RESERVED, AVAILABLE, OUTOFORDER, …). */
  evseStatus(at: EvseRef, status: string, when?: Date): Promise<void>;
  /** A reservation ended at the charge point before its expiry (canceled by the CPO). */
  reservationCanceled(reservationId: string): Promise<void>;
  /**
   * The profile a running session is charged under changed (a profile set or cleared, a local
   * limit such as load balancing): `active` is the canonical ActiveChargingProfile as the charge
   * point computed it. `commandId`: the charging profile command that caused the change, if one
   * did. Present once the Charging Profiles module is on (it forwards the change to the parties
   * that set a profile on the session).
   */
  activeChargingProfile?(
    sessionId: string,
    active: Record<string, unknown>,
    commandId?: string,
  ): Promise<void>;
}

export interface ChargePointGateway {
  /** Which gateway (for logs and /health): 'simulator', 'http'. */
  readonly kind: string;
  /** Where the node wants to hear about results and events; called once, before any dispatch. */
  connect(events: ChargePointEvents): void;
  /**
   * Hands a command to the charge point. Resolves once it is on its way (the answer comes
   * through ChargePointEvents.commandResult); an answer known at once may be reported before it
   * resolves. Rejects when the charge point (or its backend) cannot be reached: the node reports
   * FAILED.
   */
  dispatch(command: ChargePointCommand): Promise<void>;
  /** Stops timers and connections. */
  close(): Promise<void>;
}
