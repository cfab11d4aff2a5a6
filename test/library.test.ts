/** The package entry point offers what the README promises a library user. */
import assert from 'node:assert/strict';
import { it } from 'node:test';
import { buildOpenApi, model, protocol } from '../src/index.js';
import { readExample } from './helpers/fixtures.js';

it('validates, converts and describes OCPI from the package entry point', () => {
  const location = readExample('2.2.1/location_example.json');
  assert.equal(protocol.validate(protocol.v2_2_1.locations.Location, location).valid, true);
  const converted = model.convert('Location', '2.2.1', '2.3.0', location);
  assert.equal(protocol.validate(protocol.v2_3_0.locations.Location, converted.value).valid, true);
  assert.equal(buildOpenApi('2.1.1').openapi, '3.1.0');
  assert.deepEqual([...protocol.OCPI_VERSIONS], ['2.1.1', '2.2.1', '2.3.0']);
});
