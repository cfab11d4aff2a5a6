/**
 * The CDRs module (every version): the Sender interface lists our CDRs to the eMSP each is for,
 * the Receiver interface takes a CPO's CDRs by POST (kept once, however often it is re-sent) and
 * serves each at the URL given in the POST's Location header. The shared mechanism lives in
 * published-objects/; this file names the module.
 */
import type { OcpiModule } from './modules.js';
import { CDRS, type ObjectModuleDeps, objectModule } from './published-objects/index.js';

export function cdrsModule(deps: ObjectModuleDeps): OcpiModule {
  return objectModule(CDRS, deps);
}
