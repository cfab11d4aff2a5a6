import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { readVersionDetails, readVersionList } from '../../src/client/readers.js';

describe('readVersionList', () => {
  test('accepts any version string and keeps extra fields', () => {
    const data = [
      { version: '3.0', url: 'https://p/3.0', note: 'future' },
      { version: '2.1.1', url: 'https://p/2.1.1/' },
    ];
    assert.deepEqual(readVersionList(data), { ok: true, value: data });
  });
  test('reports every broken entry with its pointer', () => {
    const result = readVersionList([{ version: 2.2, url: 'x' }, 'x', { version: '2.2.1', url: ' ' }]);
    assert.ok(!result.ok);
    assert.deepEqual(
      result.issues.map((i) => [i.pointer, i.field]),
      [
        ['/0/version', 'version'],
        ['/1', ''],
        ['/2/url', 'url'],
      ],
    );
  });
  test('a non-list is refused', () => {
    assert.equal(readVersionList({ version: '2.2.1' }).ok, false);
    assert.equal(readVersionList(undefined).ok, false);
  });
});

describe('readVersionDetails', () => {
  test('role is optional (2.1.1) but must be a string when present', () => {
    assert.ok(
      readVersionDetails({ version: '2.1.1', endpoints: [{ identifier: 'locations', url: 'u' }] }).ok,
    );
    const bad = readVersionDetails({
      version: '2.2.1',
      endpoints: [{ identifier: 'locations', role: 1, url: 'u' }],
    });
    assert.ok(!bad.ok);
    assert.equal(bad.issues[0]?.pointer, '/endpoints/0/role');
  });
  test('missing endpoints and version are both reported', () => {
    const result = readVersionDetails({});
    assert.ok(!result.ok);
    assert.deepEqual(
      result.issues.map((i) => [i.pointer, i.keyword]),
      [
        ['/version', 'required'],
        ['/endpoints', 'required'],
      ],
    );
  });
});
