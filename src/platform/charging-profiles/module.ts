/**
 * The Charging Profiles module as the node serves it: GET, PUT and DELETE {session_id} of the
 * Receiver interface (a CPO takes requests), and of the Sender interface POST
 * {callback}/{request_id} (results at the response_url we gave) and PUT {session_id} (a CPO's new
 * ActiveChargingProfile), all handled by the service.
 */
import type { OcpiModule } from '../modules.js';
import type { ChargingProfilesService } from './service.js';

export interface ChargingProfilesModuleDeps {
  /** The service, or how to get it (it may be built after the module). */
  chargingProfiles: ChargingProfilesService | (() => ChargingProfilesService);
}

export function chargingProfilesModule(deps: ChargingProfilesModuleDeps): OcpiModule {
  const service = (): ChargingProfilesService =>
    typeof deps.chargingProfiles === 'function' ? deps.chargingProfiles() : deps.chargingProfiles;
  return {
    id: 'chargingprofiles',
    acceptsRegistrationToken: false,
    handler(row) {
      if (row.interface === 'RECEIVER') return (ctx) => service().handlers.request(ctx);
      if (row.method === 'POST') return (ctx) => service().handlers.result(ctx);
      if (row.method === 'PUT') return (ctx) => service().handlers.activeProfile(ctx);
      return undefined;
    },
  };
}
