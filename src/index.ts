/**
 * Roamkit as a library: the OCPI protocol model of every version (schemas, types, validator,
 * transport rules, endpoint table), the canonical model with its version converters, and the
 * typed OCPI client.
 *
 *   import { protocol, model } from 'roamkit';
 *   protocol.validate(protocol.v2_2_1.locations.Location, doc);
 *   model.convert('Location', '2.1.1', '2.3.0', doc, { party: { country_code: 'NL', party_id: 'TNM' } });
 */
export * as client from './client/index.js';
export * as model from './model/index.js';
export * as protocol from './protocol/index.js';
export { buildOpenApi } from './protocol/openapi.js';
export * as tariff from './tariff/index.js';
