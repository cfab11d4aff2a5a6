/**
 * ClientInfo converter (2.2.1 <-> 2.3.0; 2.1.1 has no HubClientInfo module). The spec prints no
 * ClientInfo example: realistic documents are built here.
 */
import assert from 'node:assert/strict';
import { describe } from 'node:test';
import { converters, lossyMappings } from '../../../src/model/convert/hub_client_info.js';
import { toCanonical } from '../../../src/model/convert/index.js';
import {
  assertValid,
  builtSamples,
  converterEntryTests,
  lossyRows,
  notReported,
  reported,
  sampleTests,
} from '../../helpers/convert.js';

const cpo = {
  party_id: 'EXA',
  country_code: 'NL',
  role: 'CPO',
  status: 'CONNECTED',
  last_updated: '2024-03-01T12:00:00Z',
};

describe('ClientInfo', () => {
  // Valid in 2.2.1 and 2.3.0, round-trips, converted as it is both ways; absent from 2.1.1.
  sampleTests(builtSamples({ ClientInfo: { '2.2.1': cpo, '2.3.0': cpo } }), {
    checkSource: true,
    unchanged: true,
  });
});

describe('ClientInfo lossy mappings', () => {
  const rows = lossyRows(lossyMappings);

  rows.case('ClientInfo.role-hub-to-other', 'a Hub is OTHER in 2.3.0', () => {
    const hub = { ...cpo, role: 'HUB', party_id: 'HUB' };
    const { value, lossy } = toCanonical('ClientInfo', '2.2.1', hub);
    assert.equal(value.role, 'OTHER');
    assertValid('2.3.0', 'ClientInfo', value);
    reported(lossy, 'ClientInfo.role-hub-to-other', '/role');
    notReported(toCanonical('ClientInfo', '2.2.1', cpo).lossy, 'ClientInfo.role-hub-to-other');
  });

  rows.everyRowTested('hub_client_info.ts');
});

describe('hub_client_info converter entries', () => {
  converterEntryTests('hubClientInfo', converters);
});
