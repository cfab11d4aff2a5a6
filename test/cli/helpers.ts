/** Running the `roamkit` command line in-process, as a test: its exit code and what it wrote. */
import { type CliIo, run } from '../../src/cli/main.js';

export interface CliRun {
  code: number;
  /** Standard output and error, lines joined with \n. */
  out: string;
  err: string;
  /** Standard output's lines. */
  lines: string[];
  /** Standard error's lines. */
  errLines: string[];
}

/** `roamkit ARGS…` through main.ts's `run` (exit codes and error mapping included), no environment unless given. */
export async function runCli(args: string[], io: Partial<CliIo> = {}): Promise<CliRun> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await run(args, { env: {}, ...io, out: (l) => out.push(l), err: (l) => err.push(l) });
  return { code, out: out.join('\n'), err: err.join('\n'), lines: out, errLines: err };
}
