/** `roamkit openapi`: prints (or writes) the OpenAPI 3.1 document of one OCPI version. */
import { writeFileSync } from 'node:fs';
import { type Command, InvalidArgumentError } from 'commander';
import { OCPI_VERSIONS, type OcpiVersion } from '../protocol/index.js';
import { buildOpenApi, DEFAULT_SERVER_URL } from '../protocol/openapi.js';
import { InputError } from './read-documents.js';

function parseServerUrl(value: string): string {
  try {
    const url = new URL(value);
    if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error('not http(s)');
  } catch {
    throw new InvalidArgumentError('use an absolute http(s) URL, e.g. https://ocpi.example.com/ocpi');
  }
  return value;
}

/** The document as the command prints it: JSON indented by two spaces, with a final newline. */
export function openApiText(version: OcpiVersion, serverUrl?: string): string {
  return `${JSON.stringify(buildOpenApi(version, serverUrl === undefined ? {} : { serverUrl }), null, 2)}\n`;
}

/** Adds the `openapi` command; `parseVersion` is the program's own --ocpi parser. */
export function addOpenApiCommand(
  program: Command,
  io: { out: (line: string) => void },
  parseVersion: (value: string) => OcpiVersion,
): Command {
  return program
    .command('openapi')
    .description('print the OpenAPI 3.1 document of an OCPI version, generated from the endpoint table')
    .requiredOption('--ocpi <version>', `OCPI version: ${OCPI_VERSIONS.join(', ')}`, parseVersion)
    .option('--out <file>', 'write the document to FILE instead of standard output')
    .option(
      '--server <url>',
      `OCPI base URL the paths hang off (default ${DEFAULT_SERVER_URL})`,
      parseServerUrl,
    )
    .action((options: { ocpi: OcpiVersion; out?: string; server?: string }) => {
      const text = openApiText(options.ocpi, options.server);
      if (options.out === undefined) {
        io.out(text.trimEnd());
        return;
      }
      try {
        writeFileSync(options.out, text);
      } catch (error) {
        throw new InputError(`${options.out}: cannot write: ${(error as Error).message}`);
      }
    });
}
