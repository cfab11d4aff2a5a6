/**
 * The Tariffs module (every version): the Sender interface serves our Tariffs as a list, the
 * Receiver interface keeps what peers push (PUT, DELETE; PATCH in 2.1.1 only). The shared
 * mechanism lives in published-objects/; this file names the module.
 */
import type { OcpiModule } from './modules.js';
import { type ObjectModuleDeps, objectModule, TARIFFS } from './published-objects/index.js';

export type { ObjectModuleDeps };

export function tariffsModule(deps: ObjectModuleDeps): OcpiModule {
  return objectModule(TARIFFS, deps);
}
