/**
 * The Commands module as the node serves it: POST {command} of the Receiver interface (a CPO
 * takes commands) and POST {command}/{uid} of the Sender interface (an eMSP takes results at the
 * response_url it gave), both handled by the commands service.
 */
import type { OcpiModule } from '../modules.js';
import type { CommandsService } from './service.js';

export interface CommandsModuleDeps {
  /** The service, or how to get it (it may be built after the module, from the platform it belongs to). */
  commands: CommandsService | (() => CommandsService);
}

export function commandsModule(deps: CommandsModuleDeps): OcpiModule {
  const service = (): CommandsService =>
    typeof deps.commands === 'function' ? deps.commands() : deps.commands;
  return {
    id: 'commands',
    acceptsRegistrationToken: false,
    handler(row) {
      if (row.method !== 'POST') return undefined;
      if (row.interface === 'RECEIVER') return (ctx) => service().handlers.command(ctx);
      if (row.path === '{command}/{uid}') return (ctx) => service().handlers.result(ctx);
      return undefined;
    },
  };
}
