/**
 * The Commands module's settings, with their defaults. Kept here until the node configuration
 * carries a `commands` group (src/platform/config.ts); every field may be left out.
 */
import { DEFAULT_COMMAND_TIMEOUT_SECONDS } from '../../model/convert/commands.js';

export interface CommandsSettings {
  /**
   * CPO: how long a charge point has to answer a command; then the command's result is TIMEOUT
   * (posted to the sender). Default 30 000 ms.
   */
  chargePointTimeoutMs: number;
  /**
   * CPO: added to chargePointTimeoutMs in the `timeout` we answer (2.2+), for the result's way to
   * the sender: a TIMEOUT result still reaches the eMSP before it gives up. Default 10 000 ms.
   */
  resultMarginMs: number;
  /**
   * CPO, START_SESSION and RESERVE_NOW: what the token must be. `issuer` (default): a token of
   * the sending eMSP's own parties (the spec: an eMSP uses only its own tokens, and the CPO does
   * not judge the validity of a token the eMSP has authorized). `cache`: in addition, a token that
   * eMSP pushed to us and still valid.
   */
  tokenCheck: 'issuer' | 'cache';
  /**
   * eMSP: how long to wait for the result when the CPO gives no timeout (2.1.1 has none).
   * Default 120 s (the converters' assumption).
   */
  defaultResultTimeoutMs: number;
  /** eMSP: never wait longer than this for a result, whatever the CPO's timeout. Default 600 000 ms. */
  maxResultWaitMs: number;
  /** Outbox (CPO): a result post failing transiently is retried within this window, then given up. Default 600 000 ms. */
  retryWindowMs: number;
  /** Outbox: first retry delay, doubled per attempt (with jitter), at most maxDelayMs. Defaults 500 / 15 000 ms. */
  baseDelayMs: number;
  maxDelayMs: number;
  /** Worker: how often it looks for due posts and overdue commands when idle. Default 250 ms. */
  pollIntervalMs: number;
  /** Worker: posts in flight at once. Default 16. */
  concurrency: number;
  /** Worker: how long a claimed post is held before another worker may take it. Default 60 000 ms. */
  leaseMs: number;
  /** Per request to a peer (the command, a result post). Default 10 000 ms. */
  requestTimeoutMs: number;
}

export const DEFAULT_COMMANDS: CommandsSettings = {
  chargePointTimeoutMs: 30_000,
  resultMarginMs: 10_000,
  tokenCheck: 'issuer',
  defaultResultTimeoutMs: DEFAULT_COMMAND_TIMEOUT_SECONDS * 1000,
  maxResultWaitMs: 600_000,
  retryWindowMs: 600_000,
  baseDelayMs: 500,
  maxDelayMs: 15_000,
  pollIntervalMs: 250,
  concurrency: 16,
  leaseMs: 60_000,
  requestTimeoutMs: 10_000,
};

/** The settings with defaults for what is left out. */
export function commandsSettings(given: Partial<CommandsSettings> = {}): CommandsSettings {
  const out = { ...DEFAULT_COMMANDS };
  for (const [key, value] of Object.entries(given) as [keyof CommandsSettings, unknown][]) {
    if (value === undefined) continue;
    if (key === 'tokenCheck') {
      if (value !== 'issuer' && value !== 'cache')
        throw new RangeError(`commands.tokenCheck: ${String(value)}`);
      out.tokenCheck = value;
    } else {
      if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) {
        throw new RangeError(`commands.${key} must be a positive number`);
      }
      out[key] = value;
    }
  }
  return out;
}

/** The `timeout` (seconds) a CPO answers: the charge point's time plus the result's way back. */
export function advertisedTimeoutSeconds(settings: CommandsSettings): number {
  return Math.ceil((settings.chargePointTimeoutMs + settings.resultMarginMs) / 1000);
}
