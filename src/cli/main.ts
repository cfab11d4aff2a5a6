#!/usr/bin/env node
/**
 * The `roamkit` command line. Exit codes: 0 success, 1 invalid input documents or a failed action
 * (a peer refused, a database or node unreachable), 2 usage and configuration errors.
 */
import { realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Command, InvalidArgumentError } from 'commander';
import { ConversionError } from '../model/index.js';
import { isOcpiVersion, OCPI_VERSIONS, type OcpiVersion } from '../protocol/index.js';
import { addCommandCommand } from './command.js';
import { convertDocument, parseParty } from './convert.js';
import { addDataCommands, type DataIo } from './data.js';
import { addOpenApiCommand } from './openapi.js';
import { addOutboxCommand } from './outbox.js';
import { addPeersCommand } from './peers.js';
import { addPriceCommand } from './price.js';
import { InputError, readDocument } from './read-documents.js';
import { addReconcileCommand } from './reconcile.js';
import { addServeCommand } from './serve.js';
import { addSimulateCommand } from './simulate.js';
import { addSyncCommand, type SyncIo } from './sync.js';
import { addTokensCommand } from './tokens.js';
import { formatIssues, UnknownTypeError, validateDocument } from './validate.js';

function parseVersion(value: string): OcpiVersion {
  if (!isOcpiVersion(value)) throw new InvalidArgumentError(`use one of ${OCPI_VERSIONS.join(', ')}`);
  return value;
}

/** Where the CLI writes, and (for tests) the environment, fetch, terminal, input and clock it uses. */
export interface CliIo extends DataIo, SyncIo {
  out: (line: string) => void;
  err: (line: string) => void;
  /** Default: process.env (serve's ROAMKIT_* settings, peers' ROAMKIT_DB/ROAMKIT_ADMIN_*). */
  env?: Readonly<Record<string, string | undefined>>;
  /** The admin API client's fetch (`peers --url`, `outbox --url`). Default: global fetch. */
  fetch?: typeof fetch;
}

export function buildProgram(io: CliIo): Command {
  const program = new Command('roamkit')
    .description('Roamkit: OCPI 2.1.1, 2.2.1 and 2.3.0 for Node.js')
    .exitOverride()
    .configureOutput({ writeOut: (s) => io.out(s.trimEnd()), writeErr: (s) => io.err(s.trimEnd()) });

  program
    .command('validate')
    .description('validate OCPI documents (an object, an array of objects, or a response envelope)')
    .requiredOption('--ocpi <version>', `OCPI version: ${OCPI_VERSIONS.join(', ')}`, parseVersion)
    .requiredOption(
      '--type <Object>',
      'the spec object name, e.g. Location, EVSE, Tariff, CDR (case-insensitive)',
    )
    .option('--partial', 'validate as a PATCH body (every top-level field optional)', false)
    .argument('<file...>', 'JSON files; - reads standard input')
    .action((files: string[], options: { ocpi: OcpiVersion; type: string; partial: boolean }) => {
      let invalid = 0;
      for (const file of files) {
        const report = validateDocument(readDocument(file), {
          version: options.ocpi,
          type: options.type,
          partial: options.partial,
        });
        for (const line of formatIssues(report)) io.out(line);
        if (report.issues.length > 0) invalid++;
      }
      process.exitCode = invalid > 0 ? 1 : 0;
    });

  program
    .command('convert')
    .description('convert an OCPI document between versions (through the canonical model)')
    .requiredOption('--from <version>', 'the version of FILE', parseVersion)
    .requiredOption('--to <version>', 'the version to write', parseVersion)
    .requiredOption('--type <Object>', 'the spec object name, e.g. Location, Tariff, CDR (case-insensitive)')
    .option('--party <CC/PID>', 'owner of 2.1.1 objects, which carry none (e.g. NL/TNM)', (value: string) => {
      const party = parseParty(value);
      if (party === undefined) throw new InvalidArgumentError('use COUNTRY/PARTY, e.g. NL/TNM');
      return party;
    })
    .option('--partial', 'FILE is a PATCH body: convert only the fields present', false)
    .argument('<file>', 'a JSON file (an object or an array of objects); - reads standard input')
    .action(
      (
        file: string,
        options: {
          from: OcpiVersion;
          to: OcpiVersion;
          type: string;
          party?: { country_code: string; party_id: string };
          partial: boolean;
        },
      ) => {
        const { json, lossy } = convertDocument(readDocument(file), options);
        for (const line of lossy) io.err(line);
        io.out(json);
      },
    );

  addOpenApiCommand(program, io, parseVersion);

  addPriceCommand(program, io, parseVersion);
  addServeCommand(program, io);
  addPeersCommand(program, io);
  addSyncCommand(program, io);
  addDataCommands(program, io);
  addOutboxCommand(program, io);
  addTokensCommand(program, io);
  addSimulateCommand(program, io);
  addReconcileCommand(program, io);
  addCommandCommand(program, io);

  return program;
}

/** Runs the CLI; returns the exit code instead of exiting so tests can call it in-process. */
export async function run(
  argv: string[],
  io: CliIo = { out: console.log, err: console.error },
): Promise<number> {
  process.exitCode = 0;
  try {
    await buildProgram(io).parseAsync(argv, { from: 'user' });
    return Number(process.exitCode ?? 0);
  } catch (error) {
    if (
      error instanceof InputError ||
      error instanceof UnknownTypeError ||
      error instanceof ConversionError
    ) {
      io.err(error.message);
      return 2;
    }
    const code = (error as { code?: string; exitCode?: number }).code;
    if (code === 'commander.helpDisplayed' || code === 'commander.version') return 0;
    if (code?.startsWith('commander.')) return 2;
    throw error;
  } finally {
    process.exitCode = undefined;
  }
}

// Run when executed (also through npm's bin symlink), not when imported by tests.
const invokedDirectly =
  process.argv[1] !== undefined && realpathSync(process.argv[1]) === fileURLToPath(import.meta.url);
if (invokedDirectly) {
  process.exitCode = await run(process.argv.slice(2));
}
