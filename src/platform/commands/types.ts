/**
 * The Commands module's vocabulary, shared by the sending (eMSP) and receiving (CPO) sides.
 */
import { enumValues, v2_3_0 } from '../../protocol/index.js';
import type { CommandRecord } from '../../store/commands.js';

export type { CommandRecord };

/** The commands of the Commands chapter (2.1.1 lacks CANCEL_RESERVATION). */
export const COMMAND_TYPES = [
  'START_SESSION',
  'STOP_SESSION',
  'RESERVE_NOW',
  'CANCEL_RESERVATION',
  'UNLOCK_CONNECTOR',
] as const;
export type CommandType = (typeof COMMAND_TYPES)[number];

export const isCommandType = (value: unknown): value is CommandType =>
  typeof value === 'string' && (COMMAND_TYPES as readonly string[]).includes(value);

/** The request object of each command (spec names, converter and schema keys). */
export const COMMAND_OBJECTS: Record<CommandType, string> = {
  START_SESSION: 'StartSession',
  STOP_SESSION: 'StopSession',
  RESERVE_NOW: 'ReserveNow',
  CANCEL_RESERVATION: 'CancelReservation',
  UNLOCK_CONNECTOR: 'UnlockConnector',
};

/** CommandResponseType (2.2+): the CPO's synchronous answer (the protocol's enum). */
export type CommandResponseType = v2_3_0.commands.CommandResponseType;
export const RESPONSE_TYPES: readonly CommandResponseType[] = enumValues(v2_3_0.commands.CommandResponseType);

/** CommandResultType (2.2+): what the charge point did (the protocol's enum). */
export type CommandResultType = v2_3_0.commands.CommandResultType;
export const RESULT_TYPES: readonly CommandResultType[] = enumValues(v2_3_0.commands.CommandResultType);

/**
 * A command's final word (CommandRecord.outcome): a CommandResultType, a CommandResponseType
 * the CPO answered instead of ACCEPTED (REJECTED, NOT_SUPPORTED, UNKNOWN_SESSION), or ERROR
 * (the request failed: an OCPI error such as 2003 Unknown Location, or no answer).
 */
export type CommandOutcome = CommandResultType | CommandResponseType | 'ERROR';

/**
 * A command's request as the caller gives it: the canonical (2.3.0) object of the command
 * (StartSession, StopSession, …) without `response_url`, which the sender adds (its own URL).
 */
export type CommandRequest = Record<string, unknown>;

/** A command our side refuses to send, before anything goes out (nothing is stored). */
export type CommandSendErrorKind =
  /** No such peer. */
  | 'unknown_peer'
  /** The peer is not registered, or offers no Commands Receiver. */
  | 'peer_not_ready'
  /** The version spoken with the peer lacks the command (CANCEL_RESERVATION in 2.1.1). */
  | 'not_in_version'
  /** The request does not validate, or cannot be written in the peer's version. */
  | 'invalid_request'
  /** The token is not ours, or we know it as invalid: we do not vouch for it. */
  | 'token_refused';

export class CommandSendError extends Error {
  override readonly name = 'CommandSendError';
  constructor(
    readonly kind: CommandSendErrorKind,
    message: string,
    readonly issues: readonly { pointer: string; message: string }[] = [],
  ) {
    super(message);
  }
}

/** Whether a command has ended and how (the record's state alone does not say whether it went well). */
export const isFinished = (record: Pick<CommandRecord, 'state'>): boolean => record.state === 'DONE';

/** A result that came after the command had ended (timed out, failed): kept beside the outcome. */
export function lateResult(record: Pick<CommandRecord, 'outcome' | 'result'>): string | undefined {
  if (record.result === null || record.outcome === null) return undefined;
  const value = String(record.result.result);
  return value !== record.outcome && (record.outcome === 'TIMEOUT' || record.outcome === 'ERROR')
    ? value
    : undefined;
}

/** A DisplayText list with one English text (CommandResponse/CommandResult `message`). */
export const englishMessage = (text: string): { language: string; text: string }[] => [
  { language: 'en', text: text.slice(0, 512) },
];

/** The first text of a DisplayText list, for people. */
export function messageText(message: unknown): string | undefined {
  if (!Array.isArray(message)) return undefined;
  const first = message[0] as { text?: unknown } | undefined;
  return typeof first?.text === 'string' ? first.text : undefined;
}
