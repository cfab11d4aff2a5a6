/**
 * Commands converters. The spec prints no example of these objects, so realistic documents are
 * built here: each round-trips in its version and converts validly into the others; every lossy
 * row of commands.ts is hit (and not hit).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { TSchema } from '@sinclair/typebox';
import {
  converters,
  DEFAULT_COMMAND_TIMEOUT_SECONDS,
  lossyMappings,
} from '../../../src/model/convert/commands.js';
import {
  type AppliedLossyMapping,
  ConversionError,
  convert,
  fromCanonical,
  toCanonical,
} from '../../../src/model/convert/index.js';
import {
  findSchema,
  type OcpiVersion,
  ocpiTypeOf,
  schemasByVersion,
  v2_1_1,
  v2_2_1,
  v2_3_0,
  validate,
} from '../../../src/protocol/index.js';
import { readExample } from '../../helpers/fixtures.js';

type Json = Record<string, unknown>;
const VERSIONS: OcpiVersion[] = ['2.1.1', '2.2.1', '2.3.0'];
/** The eMSP sending the commands (owner of the tokens in them). */
const party = { country_code: 'NL', party_id: 'TNM' };

function assertValid(version: OcpiVersion, type: string, value: unknown): void {
  const schema = findSchema(schemasByVersion[version], type);
  assert.ok(schema, `${version} has ${type}`);
  assert.deepEqual(validate(schema, value).issues, [], `valid ${version} ${type}`);
}

/** Freezes a document deeply: a converter that writes into its input then throws. */
function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object') {
    for (const v of Object.values(value)) deepFreeze(v);
    Object.freeze(value);
  }
  return value;
}

function reported(lossy: AppliedLossyMapping[], id: string, pointer: string): void {
  assert.ok(
    lossy.some((l) => l.id === id && l.pointer === pointer),
    `expected ${id} at ${pointer}, got ${JSON.stringify(lossy)}`,
  );
}

function notReported(lossy: AppliedLossyMapping[], id: string): void {
  assert.ok(!lossy.some((l) => l.id === id), `${id} should not be reported: ${JSON.stringify(lossy)}`);
}

const token211 = () => structuredClone(readExample('2.1.1/mod_tokens_01.json.txt')) as Json;
const token230 = () => structuredClone(readExample('2.3.0/token_put_example.json')) as Json;
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
  for (const [type, byVersion] of Object.entries(documents)) {
    for (const [version, doc] of Object.entries(byVersion) as [OcpiVersion, Json][]) {
      it(`${version} ${type} is valid, round-trips and converts validly`, () => {
        // 2.1.1's asynchronous result is a CommandResponse body.
        const schemaType = version === '2.1.1' && type === 'CommandResult' ? 'CommandResponse' : type;
        assertValid(version, schemaType, doc);
        const up = toCanonical(type, version, doc, { party });
        assert.deepEqual(fromCanonical(type, version, up.value, { party }).value, doc);
        for (const target of VERSIONS.filter((v) => v !== version && byVersion[v] !== undefined)) {
          const out = convert(type, version, target, doc, { party }).value;
          assertValid(target, target === '2.1.1' && type === 'CommandResult' ? 'CommandResponse' : type, out);
        }
      });
    }
  }

  it('CancelReservation does not exist in 2.1.1', () => {
    assert.throws(
      () => convert('CancelReservation', '2.2.1', '2.1.1', documents.CancelReservation?.['2.2.1']),
      ConversionError,
    );
  });
});

const covered = new Set<string>();
function lossyCase(id: string, what: string, fn: () => void): void {
  covered.add(id);
  it(`${id}: ${what}`, fn);
}

const reserve230 = () => structuredClone(documents.ReserveNow?.['2.3.0']) as Json;
const start221 = () => structuredClone(documents.StartSession?.['2.2.1']) as Json;

describe('Commands lossy mappings', () => {
  lossyCase('ReserveNow.reservation_id-renumbered', 'leading zeros are lost in the int', () => {
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

  lossyCase('CommandResponse.timeout-as-rejected', 'a 2.1.1 direct TIMEOUT is REJECTED', () => {
    const { value, lossy } = toCanonical('CommandResponse', '2.1.1', { result: 'TIMEOUT' });
    assert.equal(value.result, 'REJECTED');
    reported(lossy, 'CommandResponse.timeout-as-rejected', '/result');
    notReported(
      toCanonical('CommandResponse', '2.1.1', { result: 'ACCEPTED' }).lossy,
      'CommandResponse.timeout-as-rejected',
    );
  });

  lossyCase('CommandResponse.timeout-invented', 'the default timeout is given', () => {
    const { value, lossy } = toCanonical('CommandResponse', '2.1.1', { result: 'ACCEPTED' });
    assert.deepEqual(value, { result: 'ACCEPTED', timeout: DEFAULT_COMMAND_TIMEOUT_SECONDS });
    assertValid('2.3.0', 'CommandResponse', value);
    reported(lossy, 'CommandResponse.timeout-invented', '/timeout');
    const patch = toCanonical('CommandResponse', '2.1.1', { result: 'ACCEPTED' }, { partial: true });
    assert.ok(!('timeout' in patch.value));
    notReported(patch.lossy, 'CommandResponse.timeout-invented');
  });

  lossyCase('CommandResponse.timeout-dropped', 'a real timeout does not reach 2.1.1', () => {
    const { value, lossy } = fromCanonical('CommandResponse', '2.1.1', { result: 'ACCEPTED', timeout: 30 });
    assert.deepEqual(value, { result: 'ACCEPTED' });
    reported(lossy, 'CommandResponse.timeout-dropped', '/timeout');
    const byDefault = { result: 'ACCEPTED', timeout: DEFAULT_COMMAND_TIMEOUT_SECONDS };
    notReported(
      fromCanonical('CommandResponse', '2.1.1', byDefault).lossy,
      'CommandResponse.timeout-dropped',
    );
  });

  lossyCase('CommandResponse.message-dropped-2.1.1', 'no message in 2.1.1', () => {
    const doc = { result: 'REJECTED', timeout: 30, message: [{ language: 'en', text: 'EVSE unknown' }] };
    const { value, lossy } = fromCanonical('CommandResponse', '2.1.1', doc);
    assert.ok(!('message' in value));
    reported(lossy, 'CommandResponse.message-dropped-2.1.1', '/message');
    notReported(
      fromCanonical('CommandResponse', '2.1.1', { ...doc, message: [] }).lossy,
      'CommandResponse.message-dropped-2.1.1',
    );
  });

  lossyCase('CommandResult.unknown-session-as-rejected', 'no UNKNOWN_SESSION among results', () => {
    const { value, lossy } = toCanonical('CommandResult', '2.1.1', { result: 'UNKNOWN_SESSION' });
    assert.equal(value.result, 'REJECTED');
    assertValid('2.3.0', 'CommandResult', value);
    reported(lossy, 'CommandResult.unknown-session-as-rejected', '/result');
    const timeout = toCanonical('CommandResult', '2.1.1', { result: 'TIMEOUT' });
    assert.equal(timeout.value.result, 'TIMEOUT');
    notReported(timeout.lossy, 'CommandResult.unknown-session-as-rejected');
  });

  lossyCase('CommandResult.result-as-rejected', 'the finer 2.2 results are REJECTED in 2.1.1', () => {
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

  lossyCase('CommandResult.message-dropped-2.1.1', 'no message in 2.1.1', () => {
    const doc = { result: 'FAILED', message: [{ language: 'en', text: 'Connector locked' }] };
    const { value, lossy } = fromCanonical('CommandResult', '2.1.1', doc);
    assert.ok(!('message' in value));
    reported(lossy, 'CommandResult.message-dropped-2.1.1', '/message');
    notReported(
      fromCanonical('CommandResult', '2.1.1', { result: 'FAILED' }).lossy,
      'CommandResult.message-dropped-2.1.1',
    );
  });

  lossyCase('StartSession.connector_id-dropped-2.1.1', 'the connector cannot be chosen in 2.1.1', () => {
    const { value, lossy } = fromCanonical('StartSession', '2.1.1', start221(), { party });
    assert.ok(!('connector_id' in value));
    assertValid('2.1.1', 'StartSession', value);
    reported(lossy, 'StartSession.connector_id-dropped-2.1.1', '/connector_id');
    const { connector_id: _, ...doc } = start221();
    notReported(
      fromCanonical('StartSession', '2.1.1', doc, { party }).lossy,
      'StartSession.connector_id-dropped-2.1.1',
    );
  });

  lossyCase('StartSession.authorization_reference-dropped-2.1.1', 'no reference in 2.1.1', () => {
    const { value, lossy } = fromCanonical('StartSession', '2.1.1', start221(), { party });
    assert.ok(!('authorization_reference' in value));
    reported(lossy, 'StartSession.authorization_reference-dropped-2.1.1', '/authorization_reference');
    const { authorization_reference: _, ...doc } = start221();
    notReported(
      fromCanonical('StartSession', '2.1.1', doc, { party }).lossy,
      'StartSession.authorization_reference-dropped-2.1.1',
    );
  });

  lossyCase('ReserveNow.authorization_reference-dropped-2.1.1', 'no reference in 2.1.1', () => {
    const doc = { ...reserve230(), authorization_reference: 'AUTH-9' };
    const { value, lossy } = fromCanonical('ReserveNow', '2.1.1', doc, { party });
    assert.ok(!('authorization_reference' in value));
    reported(lossy, 'ReserveNow.authorization_reference-dropped-2.1.1', '/authorization_reference');
    notReported(
      fromCanonical('ReserveNow', '2.1.1', reserve230(), { party }).lossy,
      'ReserveNow.authorization_reference-dropped-2.1.1',
    );
  });

  it('every lossy row of commands.ts has a test here', () => {
    assert.deepEqual([...covered].sort(), lossyMappings.map((r) => r.id).sort());
  });
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
  /** The classes (not enums) a chapter file exports, by spec name. */
  const classesOf = (chapter: Record<string, unknown>) =>
    Object.values(chapter).flatMap((schema) => {
      const name = ocpiTypeOf(schema as TSchema);
      return name !== undefined && (schema as { type?: unknown }).type === 'object' ? [name] : [];
    });
  const chapters = { '2.1.1': v2_1_1.commands, '2.2.1': v2_2_1.commands } as const;
  /** Entries kept on purpose for a class the version does not define under that name. */
  const bridged: Record<string, string[]> = { CommandResult: ['2.1.1'] };

  it('every class of the chapter has a converter for each older version defining it', () => {
    for (const name of classesOf(v2_3_0.commands)) assert.ok(name in converters, name);
    for (const [version, chapter] of Object.entries(chapters)) {
      for (const name of classesOf(chapter))
        assert.ok(converters[name]?.[version as '2.1.1'], `${version} ${name}`);
    }
  });

  it('no converter for a version that lacks the class', () => {
    for (const [name, byVersion] of Object.entries(converters)) {
      for (const version of Object.keys(byVersion) as ('2.1.1' | '2.2.1')[]) {
        if (bridged[name]?.includes(version)) continue;
        assert.ok(classesOf(chapters[version]).includes(name), `${version} has no ${name}`);
      }
    }
  });
});
