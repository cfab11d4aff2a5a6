/**
 * The Locations module (every version): the Sender interface serves our Locations (list and
 * single Location, EVSE or Connector), the Receiver interface keeps what peers push. The shared
 * mechanism lives in published-objects/; this file names the module.
 */
import type { OcpiModule } from './modules.js';
import { LOCATIONS, type ObjectModuleDeps, objectModule } from './published-objects/index.js';

export type { ObjectModuleDeps };

export function locationsModule(deps: ObjectModuleDeps): OcpiModule {
  return objectModule(LOCATIONS, deps);
}
