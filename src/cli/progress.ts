/**
 * Progress of a long CLI command (`roamkit sync`, `roamkit simulate`): a bar on a terminal (on
 * stderr, so stdout stays the command's result), plain lines otherwise (logs, CI).
 */
import cliProgress from 'cli-progress';
import type { Env } from './node-context.js';

/** What a command with progress needs of its surroundings (tests pass their own). */
export interface ProgressIo {
  out: (line: string) => void;
  err: (line: string) => void;
  /** Default: process.env (ROAMKIT_DB). */
  env?: Env;
  /** Whether progress goes to a terminal (a bar) or not (lines). Default: process.stderr.isTTY. */
  isTTY?: boolean;
  /** Where the bar is drawn. Default: process.stderr. */
  progressStream?: NodeJS.WritableStream;
}

/** Whether progress is drawn as a bar. */
export const onTerminal = (io: ProgressIo): boolean => io.isTTY ?? process.stderr.isTTY === true;

/** Items per second since the start (never divided by zero). */
export const perSecond = (count: number, ms: number): number =>
  Math.round(count / Math.max(ms / 1000, 0.001));

/** A bar with the house style: `format` names cli-progress tokens and the payload's. */
export function progressBar(io: ProgressIo, format: string, etaBuffer: number): cliProgress.SingleBar {
  return new cliProgress.SingleBar(
    { stream: io.progressStream ?? process.stderr, format, hideCursor: true, etaBuffer },
    cliProgress.Presets.shades_classic,
  );
}
