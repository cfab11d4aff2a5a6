/**
 * Converters of the HubClientInfo chapter (2.2 and later; 2.1.1 has no Hub module): ClientInfo.
 * The only difference is the Role enum: 2.3.0 drops HUB.
 */
import { child, type Json } from './common.js';
import { row } from './tokens.js';
import type { ConversionContext, LossyMapping, ModuleConverters } from './types.js';

function clientInfoToCanonical221(value: Json, ctx: ConversionContext, pointer: string): Json {
  if (value.role !== 'HUB') return value;
  ctx.report('ClientInfo.role-hub-to-other', child(pointer, 'role'));
  return { ...value, role: 'OTHER' };
}

export const converters: ModuleConverters = {
  // Every 2.3.0 Role value exists in 2.2.1: nothing to do on the way down.
  ClientInfo: { '2.2.1': { toCanonical: clientInfoToCanonical221, fromCanonical: (value) => value } },
};

export const lossyMappings: LossyMapping[] = [
  row(
    'ClientInfo.role-hub-to-other',
    'ClientInfo',
    'role',
    '2.2.1',
    '2.3.0',
    'loses',
    '2.3.0 has no Role HUB: a connected party that is a Hub is listed as OTHER; the way back cannot tell ' +
      'it was a Hub.',
  ),
];
