/**
 * Converters of the HubClientInfo chapter (2.2 and later; 2.1.1 has no Hub module): ClientInfo.
 * The only difference is the Role enum: 2.3.0 drops HUB.
 */
import { row, upOnly, withHubAsOther } from './common.js';
import type { LossyMapping, ModuleConverters } from './types.js';

export const converters: ModuleConverters = {
  // Every 2.3.0 Role value exists in 2.2.1: nothing to do on the way down.
  ClientInfo: {
    '2.2.1': upOnly((value, ctx, pointer) =>
      withHubAsOther(value, ctx, 'ClientInfo.role-hub-to-other', pointer),
    ),
  },
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
