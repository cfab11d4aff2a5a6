/** The conversion entry points: lookup, errors, identity for the canonical version, lossy reports. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  ConversionError,
  convert,
  convertibleTypes,
  fromCanonical,
  LOSSY_MAPPINGS,
  toCanonical,
} from '../../../src/model/index.js';
import { readExample } from '../../helpers/fixtures.js';

describe('convert()', () => {
  it('finds converters by spec name, case-insensitively', () => {
    const tariff = readExample('2.2.1/tariff_1_simple_2hour.json');
    const upper = convert('Tariff', '2.2.1', '2.3.0', tariff);
    const lower = convert('tariff', '2.2.1', '2.3.0', tariff);
    assert.deepEqual(lower, upper);
    assert.equal((upper.value as { tax_included?: string }).tax_included, 'NO');
  });

  it('returns the document unchanged, with nothing lost, between equal versions', () => {
    const location = readExample('2.1.1/mod_locations_06.json.txt');
    const result = convert('Location', '2.1.1', '2.1.1', location);
    assert.equal(result.value, location);
    assert.deepEqual(result.lossy, []);
  });

  it('2.3.0 is the canonical shape: to and from canonical are the identity there', () => {
    const terminal = readExample('2.3.0/payment_terminal_create.json');
    assert.equal(toCanonical('Terminal', '2.3.0', terminal).value, terminal);
    assert.equal(fromCanonical('Terminal', '2.3.0', terminal).value, terminal);
  });

  it('fails with ConversionError on a non-object, an unknown object name, and an object a version lacks', () => {
    assert.throws(() => convert('Location', '2.2.1', '2.3.0', [1, 2]), ConversionError);
    assert.throws(() => convert('Location', '2.2.1', '2.3.0', null), ConversionError);
    assert.throws(() => convert('Charger', '2.2.1', '2.3.0', {}), /no converter for 'Charger'/);
    assert.throws(
      () => convert('Terminal', '2.3.0', '2.2.1', readExample('2.3.0/payment_terminal_create.json')),
      /2\.2\.1 has no Terminal/,
    );
  });

  it('reports lossy mappings of both legs, each a row of the table', () => {
    const location = readExample('2.1.1/mod_locations_06.json.txt');
    const result = convert('Location', '2.1.1', '2.2.1', location, {
      party: { country_code: 'BE', party_id: 'BEC' },
    });
    const ids = new Set(LOSSY_MAPPINGS.map((m) => m.id));
    assert.ok(result.lossy.length > 0);
    for (const applied of result.lossy) assert.ok(ids.has(applied.id), applied.id);
    assert.ok(result.lossy.some((l) => l.id === 'Location.party-from-context' && l.pointer === '/party_id'));
  });

  it('lists the convertible objects, the main object of every module among them', () => {
    const types = convertibleTypes();
    for (const name of [
      'Location',
      'EVSE',
      'Connector',
      'Tariff',
      'Session',
      'CDR',
      'Token',
      'Credentials',
      'VersionDetails',
      'CommandResponse',
    ]) {
      assert.ok(types.includes(name), name);
    }
  });
});
