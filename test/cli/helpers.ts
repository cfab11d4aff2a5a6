/** Running the `roamkit` command line in-process, as a test: its exit code and what it wrote. */
import assert from 'node:assert/strict';
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

/** What `peers invite --json` prints. */
export interface Invitation {
  token: string;
  versions_url: string;
}

/** `roamkit peers register --db DB` with an invitation: this process runs the handshake, writing to DB. */
export function registerWithDb(invitation: Invitation, db: string): Promise<CliRun> {
  return runCli([
    'peers',
    'register',
    '--versions-url',
    invitation.versions_url,
    '--token',
    invitation.token,
    '--db',
    db,
  ]);
}

/**
 * `roamkit peers invite --json ARGS…` (which must succeed), then `peers register --db` with that
 * invitation on another database: the scenario the e2e tests run on SQLite and on PostgreSQL.
 */
export async function inviteThenRegisterWithDb(
  inviteArgs: string[],
  registerDb: string,
): Promise<{ invitation: Invitation; register: CliRun }> {
  const invite = await runCli(['peers', 'invite', '--json', ...inviteArgs]);
  assert.equal(invite.code, 0, invite.err);
  const invitation = JSON.parse(invite.out) as Invitation;
  return { invitation, register: await registerWithDb(invitation, registerDb) };
}
