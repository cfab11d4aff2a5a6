/**
 * The node's log lines as a CLI command shows them on stderr: warnings and errors only, one line
 * each, held back while a progress bar owns the terminal (printed by `flush` when it is done).
 */
import type { PlatformLogger } from '../platform/modules.js';

/** A log record as one line, or undefined to leave it out. */
export type LineFormat = (
  level: 'warning' | 'error',
  obj: object,
  msg: string | undefined,
) => string | undefined;

export interface CliLogger {
  logger: PlatformLogger;
  /** Prints the lines held back while `hold()` was true. */
  flush(): void;
}

export function cliLogger(err: (line: string) => void, hold: () => boolean, format: LineFormat): CliLogger {
  const held: string[] = [];
  const line = (level: 'warning' | 'error', obj: object, msg?: string) => {
    const text = format(level, obj, msg);
    if (text === undefined) return;
    if (hold()) held.push(text);
    else err(text);
  };
  return {
    logger: {
      debug() {},
      info() {},
      warn: (obj, msg) => line('warning', obj, msg),
      error: (obj, msg) => line('error', obj, msg),
    },
    flush: () => {
      for (const text of held.splice(0)) err(text);
    },
  };
}
