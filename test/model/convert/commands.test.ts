/**
 * Commands converters. The spec prints no example of these objects, so realistic documents are
 * built here: each round-trips in its version and converts validly into the others; every lossy
 * row of commands.ts is hit (and not hit).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  converters,
  DEFAULT_COMMAND_TIMEOUT_SECONDS,
  lossyMappings,
} from '../../../src/model/convert/commands.js';
import { ConversionError, fromCanonical, toCanonical } from '../../../src/model/convert/index.js';
import type { OcpiVersion } from '../../../src/protocol/index.js';
import {
  assertValid,
  builtSamples,
  converterEntryTests,
  deepFreeze,
  example,
  type Json,
  lossyRows,
  notReported,
  PARTY_NL_TNM as party,
  reported,
  sampleTests,
  token211,
} from '../../helpers/convert.js';

const token230 = () => example('2.3.0/token_put_example.json');
const url = 'https://emsp.example.com/ocpi/emsp/commands/START_SESSION/1234';

/** A realistic document of each object in each version it exists in. */
const documents: Record<string, Partial<Record<OcpiVersion, Json>>> = deepFreeze({
  StartSession: {
    '2.1.1': { response_url: url, token: token211(), location_id: 'LOC1', evse_uid: '3256' },
    '2.2.1': {
      response_url: url,
      token: token230(),
      location_id: 'LOC1',
      evse_uid: '3256',
      connector_id: '1',
      authorization_reference: 'AUTH-1',
    },
    '2.3.0': {
      response_url: url,
      token: token230(),
      location_id: 'LOC1',
      evse_uid: '3256',
      connector_id: '1',
    },
  },
  ReserveNow: {
    '2.1.1': {
      response_url: url,
      token: token211(),
      expiry_date: '2024-05-01T10:30:00Z',
      reservation_id: 42,
      location_id: 'LOC1',
    },
    '2.2.1': {
      response_url: url,
      token: token230(),
      expiry_date: '2024-05-01T10:30:00Z',
      reservation_id: '42',
      location_id: 'LOC1',
      evse_uid: '3256',
      authorization_reference: 'AUTH-2',
    },
    '2.3.0': {
      response_url: url,
      token: token230(),
      expiry_date: '2024-05-01T10:30:00Z',
      reservation_id: '42',
      location_id: 'LOC1',
    },
  },
  StopSession: {
    '2.1.1': { response_url: url, session_id: '101' },
    '2.2.1': { response_url: url, session_id: '101' },
    '2.3.0': { response_url: url, session_id: '101' },
  },
  UnlockConnector: {
    '2.1.1': { response_url: url, location_id: 'LOC1', evse_uid: '3256', connector_id: '1' },
    '2.2.1': { response_url: url, location_id: 'LOC1', evse_uid: '3256', connector_id: '1' },
    '2.3.0': { response_url: url, location_id: 'LOC1', evse_uid: '3256', connector_id: '1' },
  },
  CancelReservation: {
    '2.2.1': { response_url: url, reservation_id: 'R-77' },
    '2.3.0': { response_url: url, reservation_id: 'R-77' },
  },
  CommandResponse: {
    '2.1.1': { result: 'ACCEPTED' },
    '2.2.1': { result: 'ACCEPTED', timeout: 30, message: [{ language: 'en', text: 'Forwarded' }] },
    '2.3.0': { result: 'UNKNOWN_SESSION', timeout: DEFAULT_COMMAND_TIMEOUT_SECONDS, message: [] },
  },
  CommandResult: {
    '2.1.1': { result: 'TIMEOUT' },
    '2.2.1': { result: 'EVSE_OCCUPIED', message: [{ language: 'en', text: 'EVSE in use' }] },
    '2.3.0': { result: 'ACCEPTED', message: [] },
  },
});

describe('Commands documents', () => {
  sampleTests(builtSamples(documents), {
    options: { party },
    checkSource: true,
    // 2.1.1's asynchronous result is a CommandResponse body.
    schemaType: (type, version) =>
      version === '2.1.1' && type === 'CommandResult' ? 'CommandResponse' : type,
  });
});

const reserve230 = () => structuredClone(documents.ReserveNow?.['2.3.0']) as Json;
const start221 = () => structuredClone(documents.StartSession?.['2.2.1']) as Json;

describe('Commands lossy mappings', () => {
  const rows = lossyRows(lossyMappings);

  rows.case('ReserveNow.reservation_id-renumbered', 'leading zeros are lost in the int', () => {
    const { value, lossy } = fromCanonical('ReserveNow', '2.1.1', { ...reserve230(), reservation_id: '007' });
    assert.equal(value.reservation_id, 7);
    reported(lossy, 'ReserveNow.reservation_id-renumbered', '/reservation_id');
    const plain = fromCanonical('ReserveNow', '2.1.1', reserve230());
    assert.equal(plain.value.reservation_id, 42);
    notReported(plain.lossy, 'ReserveNow.reservation_id-renumbered');
    // Ids that are no integer have no 2.1.1 form at all.
    for (const id of ['R-77', '99999999999999999999']) {
      assert.throws(
        () => fromCanonical('ReserveNow', '2.1.1', { ...reserve230(), reservation_id: id }),
        ConversionError,
      );
    }
  });

  rows.case('CommandResponse.timeout-as-rejected', 'a 2.1.1 direct TIMEOUT is REJECTED', () => {
    const { value, lossy } = toCanonical('CommandResponse', '2.1.1', { result: 'TIMEOUT' });
    assert.equal(value.result, 'REJECTED');
    reported(lossy, 'CommandResponse.timeout-as-rejected', '/result');
    notReported(
      toCanonical('CommandResponse', '2.1.1', { result: 'ACCEPTED' }).lossy,
      'CommandResponse.timeout-as-rejected',
    );
  });

  rows.case('CommandResponse.timeout-invented', 'the default timeout is given', () => {
    const { value, lossy } = toCanonical('CommandResponse', '2.1.1', { result: 'ACCEPTED' });
    assert.deepEqual(value, { result: 'ACCEPTED', timeout: DEFAULT_COMMAND_TIMEOUT_SECONDS });
    assertValid('2.3.0', 'CommandResponse', value);
    reported(lossy, 'CommandResponse.timeout-invented', '/timeout');
    const patch = toCanonical('CommandResponse', '2.1.1', { result: 'ACCEPTED' }, { partial: true });
    assert.ok(!('timeout' in patch.value));
    notReported(patch.lossy, 'CommandResponse.timeout-invented');
  });

  rows.case('CommandResponse.timeout-dropped', 'a real timeout does not reach 2.1.1', () => {
    const { value, lossy } = fromCanonical('CommandResponse', '2.1.1', { result: 'ACCEPTED', timeout: 30 });
    assert.deepEqual(value, { result: 'ACCEPTED' });
    reported(lossy, 'CommandResponse.timeout-dropped', '/timeout');
    const byDefault = { result: 'ACCEPTED', timeout: DEFAULT_COMMAND_TIMEOUT_SECONDS };
    notReported(
      fromCanonical('CommandResponse', '2.1.1', byDefault).lossy,
      'CommandResponse.timeout-dropped',
    );
  });

  rows.droppedCase('CommandResponse.message-dropped-2.1.1', {
    type: 'CommandResponse',
    doc: () => ({ result: 'REJECTED', timeout: 30 }),
    value: [{ language: 'en', text: 'EVSE unknown' }],
    silent: [[]],
  });

  rows.case('CommandResult.unknown-session-as-rejected', 'no UNKNOWN_SESSION among results', () => {
    const { value, lossy } = toCanonical('CommandResult', '2.1.1', { result: 'UNKNOWN_SESSION' });
    assert.equal(value.result, 'REJECTED');
    assertValid('2.3.0', 'CommandResult', value);
    reported(lossy, 'CommandResult.unknown-session-as-rejected', '/result');
    const timeout = toCanonical('CommandResult', '2.1.1', { result: 'TIMEOUT' });
    assert.equal(timeout.value.result, 'TIMEOUT');
    notReported(timeout.lossy, 'CommandResult.unknown-session-as-rejected');
  });

  rows.case('CommandResult.result-as-rejected', 'the finer 2.2 results are REJECTED in 2.1.1', () => {
    for (const result of [
      'CANCELED_RESERVATION',
      'EVSE_OCCUPIED',
      'EVSE_INOPERATIVE',
      'FAILED',
      'UNKNOWN_RESERVATION',
    ]) {
      const { value, lossy } = fromCanonical('CommandResult', '2.1.1', { result });
      assert.deepEqual(value, { result: 'REJECTED' });
      assertValid('2.1.1', 'CommandResponse', value);
      reported(lossy, 'CommandResult.result-as-rejected', '/result');
    }
    for (const result of ['ACCEPTED', 'NOT_SUPPORTED', 'REJECTED', 'TIMEOUT']) {
      const { value, lossy } = fromCanonical('CommandResult', '2.1.1', { result });
      assert.equal(value.result, result);
      notReported(lossy, 'CommandResult.result-as-rejected');
    }
  });

  rows.droppedCase('CommandResult.message-dropped-2.1.1', {
    type: 'CommandResult',
    schema: 'CommandResponse', // 2.1.1's asynchronous result is a CommandResponse body
    doc: () => ({ result: 'FAILED' }),
    value: [{ language: 'en', text: 'Connector locked' }],
  });

  rows.droppedCase('StartSession.connector_id-dropped-2.1.1', {
    type: 'StartSession',
    doc: start221,
    options: { party },
  });

  rows.droppedCase('StartSession.authorization_reference-dropped-2.1.1', {
    type: 'StartSession',
    doc: start221,
    options: { party },
  });

  rows.droppedCase('ReserveNow.authorization_reference-dropped-2.1.1', {
    type: 'ReserveNow',
    doc: reserve230,
    value: 'AUTH-9',
    options: { party },
  });

  rows.everyRowTested('commands.ts');
});

describe('the Token inside commands', () => {
  it('is converted by the Token converter, at /token', () => {
    const up = toCanonical('StartSession', '2.1.1', documents.StartSession?.['2.1.1'], { party });
    assert.equal((up.value.token as Json).contract_id, 'DE8ACC12E46L89');
    reported(up.lossy, 'Token.party-from-context', '/token/party_id');
    const down = fromCanonical('ReserveNow', '2.2.1', {
      ...reserve230(),
      token: { ...token230(), type: 'EMAID' },
    });
    reported(down.lossy, 'Token.type-to-other-2.2.1', '/token/type');
    assert.throws(
      () => toCanonical('StartSession', '2.1.1', documents.StartSession?.['2.1.1']),
      ConversionError,
    );
  });

  it('a 2.1.1 int reservation_id becomes its decimal string', () => {
    const up = toCanonical('ReserveNow', '2.1.1', documents.ReserveNow?.['2.1.1'], { party });
    assert.equal(up.value.reservation_id, '42');
  });
});

describe('commands converter entries', () => {
  converterEntryTests('commands', converters, { CommandResult: ['2.1.1'] });
});
