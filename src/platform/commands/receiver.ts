/**
 * The CPO side of the Commands module: POST {command} on our Receiver interface. The command is
 * read into the canonical model, judged (judge.ts), stored, and answered with a CommandResponse
 * at once; an accepted command then goes to the charge point through the gateway. The charge
 * point's answer (or TIMEOUT when none comes within chargePointTimeoutMs) is stored on the same
 * row and posted to the sender's response_url by the outbox (outbox.ts), retried until it gets
 * through.
 */
import { randomUUID } from 'node:crypto';
import type { CommandRecord, CommandRepository } from '../../store/commands.js';
import type { Store } from '../../store/types.js';
import type { NodeConfig } from '../config.js';
import type { ChargePointAnswer, ChargePointGateway } from '../gateway/types.js';
import type { OcpiOutcome, OcpiRequestContext, PlatformLogger } from '../modules.js';
import { convertDown, convertUp } from '../published-objects/shared.js';
import { type JudgeContext, judgeCommand, parseChargePointReservationId } from './judge.js';
import { advertisedTimeoutSeconds, type CommandsSettings } from './settings.js';
import { COMMAND_OBJECTS, englishMessage, isCommandType, RESULT_TYPES } from './types.js';

type Json = Record<string, unknown>;

export interface CommandReceiverDeps {
  config: NodeConfig;
  store: Store;
  repository: CommandRepository;
  gateway: ChargePointGateway;
  settings: CommandsSettings;
  now: () => Date;
  log: PlatformLogger;
  /** A result is ready to be posted: wake the outbox. */
  wake: () => void;
}

export interface CommandReceiver {
  /** POST {command} of our Receiver interface. */
  handle(ctx: OcpiRequestContext): Promise<OcpiOutcome>;
  /** The charge point's answer to a command we forwarded. */
  chargePointResult(commandId: string, answer: ChargePointAnswer): Promise<boolean>;
  /** A reservation the charge point (the CPO) canceled: its sender gets CANCELED_RESERVATION at the RESERVE_NOW's response_url. */
  reservationCanceled(chargePointReservationId: string): Promise<boolean>;
}

/** The peer's party a 2.1.1 token belongs to (2.1.1 tokens name none): its first. */
function peerParty(ctx: OcpiRequestContext): { country_code: string; party_id: string } {
  const role = ctx.peer.roles[0];
  return { country_code: String(role?.country_code ?? ''), party_id: String(role?.party_id ?? '') };
}

/** A charge point's answer as a canonical CommandResult (an unknown value is FAILED, with the value said). */
export function commandResultOf(answer: ChargePointAnswer): Json {
  const known = (RESULT_TYPES as readonly string[]).includes(answer.result);
  const text = known
    ? answer.message
    : `the charge point answered ${answer.result}${answer.message ? `: ${answer.message}` : ''}`;
  return {
    result: known ? answer.result : 'FAILED',
    ...(text === undefined || text === '' ? {} : { message: englishMessage(text) }),
  };
}

export function createCommandReceiver(deps: CommandReceiverDeps): CommandReceiver {
  const { repository, gateway, settings, log } = deps;

  function respond(ctx: OcpiRequestContext, result: string, message?: string): OcpiOutcome {
    const response: Json = {
      result,
      timeout: advertisedTimeoutSeconds(settings),
      ...(message === undefined ? {} : { message: englishMessage(message) }),
    };
    return { statusCode: 1000, data: convertDown('CommandResponse', ctx.version, response, ctx.log) };
  }

  async function chargePointResult(commandId: string, answer: ChargePointAnswer): Promise<boolean> {
    const completed = await repository.complete(commandId, commandResultOf(answer));
    if (completed) deps.wake();
    else
      log.warn(
        { commandId, result: answer.result },
        'a charge point answered a command that is no longer waiting (timed out?)',
      );
    return completed;
  }

  /** Hands an accepted command to the gateway; a gateway that cannot be reached makes the result FAILED. */
  function dispatch(record: CommandRecord, command: Parameters<ChargePointGateway['dispatch']>[0]): void {
    setImmediate(() => {
      gateway.dispatch(command).catch(async (error: unknown) => {
        const message = error instanceof Error ? error.message : String(error);
        log.warn(
          { commandId: record.id, err: message },
          'the charge point gateway could not take the command',
        );
        await chargePointResult(record.id, {
          result: 'FAILED',
          message: `the charge point could not be reached: ${message}`,
        }).catch((e: unknown) =>
          log.error({ commandId: record.id, err: String(e) }, 'storing a command result failed'),
        );
      });
    });
  }

  return {
    async handle(ctx) {
      const command = ctx.row.path;
      if (!isCommandType(command)) return { statusCode: 2001, message: `unknown command ${command}` };
      const party = peerParty(ctx);
      const converted = convertUp(
        COMMAND_OBJECTS[command],
        ctx.version,
        ctx.body as Json,
        { party },
        ctx.log,
      );
      if (!converted.ok) return converted.outcome;
      const request = converted.value;
      const now = deps.now();
      const judgeContext: JudgeContext = {
        config: deps.config,
        store: deps.store,
        repository,
        settings,
        peer: ctx.peer,
        now,
      };
      const verdict = await judgeCommand(command, request, judgeContext);
      const id = randomUUID();
      const base = {
        id,
        side: 'RECEIVED' as const,
        peerId: ctx.peer.id,
        version: ctx.version,
        command,
        request,
      };
      switch (verdict.kind) {
        case 'error':
          await repository.insert({
            ...base,
            state: 'DONE',
            outcome: 'ERROR',
            error: { statusCode: verdict.outcome.statusCode, message: verdict.outcome.message ?? '' },
          });
          return verdict.outcome;
        case 'answer': {
          const outcome = respond(ctx, verdict.result, verdict.message);
          await repository.insert({
            ...base,
            state: 'DONE',
            outcome: verdict.result,
            response: { result: verdict.result, message: englishMessage(verdict.message) },
          });
          return outcome;
        }
        case 'result': {
          await repository.insert({
            ...base,
            reference: verdict.reference ?? null,
            state: 'DONE',
            response: { result: 'ACCEPTED', timeout: advertisedTimeoutSeconds(settings) },
            result: { result: verdict.result, message: englishMessage(verdict.message) },
            outcome: verdict.result,
          });
          deps.wake();
          return respond(ctx, 'ACCEPTED');
        }
        case 'forward': {
          const record = await repository.insert({
            ...base,
            reference: verdict.reference ?? null,
            state: 'WAITING',
            response: { result: 'ACCEPTED', timeout: advertisedTimeoutSeconds(settings) },
            deadline: new Date(now.getTime() + settings.chargePointTimeoutMs),
          });
          dispatch(record, { ...verdict.command, commandId: id } as Parameters<
            ChargePointGateway['dispatch']
          >[0]);
          return respond(ctx, 'ACCEPTED');
        }
      }
    },

    chargePointResult,

    async reservationCanceled(chargePointReservationId) {
      const parsed = parseChargePointReservationId(chargePointReservationId);
      if (parsed === undefined) return false;
      const reservations = await repository.findByReference(
        parsed.peerId,
        'RESERVE_NOW',
        parsed.reservationId,
      );
      const live = reservations.find((r) => r.side === 'RECEIVED' && r.outcome === 'ACCEPTED');
      // 2.1.1 has no CANCELED_RESERVATION (its result would read REJECTED): nothing to tell there.
      if (live === undefined || live.version === '2.1.1') return false;
      const requeued = await repository.requeueResult(
        live.id,
        { result: 'CANCELED_RESERVATION' },
        'CANCELED_RESERVATION',
      );
      if (requeued) deps.wake();
      return requeued;
    },
  };
}
