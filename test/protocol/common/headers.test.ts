import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  buildForwardedRequestHeaders,
  buildRequestHeaders,
  buildResponseHeaders,
  getHeader,
  getHeaderValues,
  OCPI_HEADERS,
  parseOcpiHeaders,
  sameParty,
  usesRoutingHeaders,
} from '../../../src/protocol/common/headers.js';

/** A deterministic id generator: id-1, id-2, … */
function ids(): () => string {
  let n = 0;
  return () => `id-${++n}`;
}

describe('header lookup', () => {
  test('case-insensitive on records, repeated values kept', () => {
    const h = { 'x-request-id': 'a', 'X-CORRELATION-ID': 'b', link: ['<x>; rel="next"', '<y>; rel="prev"'] };
    assert.equal(getHeader(h, 'X-Request-ID'), 'a');
    assert.equal(getHeader(h, 'x-correlation-id'), 'b');
    assert.deepEqual(getHeaderValues(h, 'Link'), ['<x>; rel="next"', '<y>; rel="prev"']);
    assert.equal(getHeader(h, 'Link'), '<x>; rel="next", <y>; rel="prev"');
    assert.equal(getHeader(h, 'missing'), undefined);
  });
  test('Fetch Headers', () => {
    const h = new Headers({ 'OCPI-from-party-id': 'TNM' });
    assert.equal(getHeader(h, 'ocpi-FROM-party-id'), 'TNM');
    assert.deepEqual(getHeaderValues(h, 'x-request-id'), []);
  });
});

describe('parseOcpiHeaders', () => {
  test('reads all six headers in any case (Node lower-cases names)', () => {
    const { headers, issues } = parseOcpiHeaders({
      'x-request-id': '12345',
      'x-correlation-id': '67890',
      'ocpi-from-country-code': 'NL',
      'ocpi-from-party-id': 'TNM',
      'OCPI-To-Country-Code': 'DE',
      'OCPI-TO-PARTY-ID': 'ALL',
    });
    assert.deepEqual(issues, []);
    assert.deepEqual(headers, {
      requestId: '12345',
      correlationId: '67890',
      from: { countryCode: 'NL', partyId: 'TNM' },
      to: { countryCode: 'DE', partyId: 'ALL' },
    });
  });

  test('open routing request: no OCPI-to headers is fine', () => {
    const { headers, issues } = parseOcpiHeaders({
      'X-Request-ID': 'r',
      'X-Correlation-ID': 'c',
      'OCPI-from-country-code': 'NL',
      'OCPI-from-party-id': 'TNM',
    });
    assert.deepEqual(issues, []);
    assert.equal(headers.to, undefined);
  });

  test('values are trimmed', () => {
    const { headers } = parseOcpiHeaders({
      'X-Request-ID': '  r1 ',
      'OCPI-to-country-code': ' BE',
      'OCPI-to-party-id': 'BEC ',
    });
    assert.equal(headers.requestId, 'r1');
    assert.deepEqual(headers.to, { countryCode: 'BE', partyId: 'BEC' });
  });

  test('CiString(2)/(3) validation', () => {
    const { headers, issues } = parseOcpiHeaders({
      'OCPI-from-country-code': 'NLD',
      'OCPI-from-party-id': 'TNM',
      'OCPI-to-country-code': 'DE',
      'OCPI-to-party-id': 'ABCD',
    });
    assert.equal(headers.from, undefined);
    assert.equal(headers.to, undefined);
    assert.deepEqual(
      issues.map((i) => i.header),
      ['OCPI-from-country-code', 'OCPI-to-party-id'],
    );
    assert.match(issues[0]?.message ?? '', /CiString\(2\)/);
    assert.match(issues[1]?.message ?? '', /CiString\(3\)/);
    const nonAscii = parseOcpiHeaders({ 'OCPI-to-country-code': 'DÉ', 'OCPI-to-party-id': 'X' });
    assert.match(nonAscii.issues[0]?.message ?? '', /printable ASCII/);
  });

  test('half a party is an issue', () => {
    const { headers, issues } = parseOcpiHeaders({ 'OCPI-to-country-code': 'DE' });
    assert.equal(headers.to, undefined);
    assert.deepEqual(issues, [
      { header: 'OCPI-to-party-id', message: 'is missing while OCPI-to-country-code is given' },
    ]);
  });

  test('repeated or empty ids are issues', () => {
    const { headers, issues } = parseOcpiHeaders({ 'x-request-id': ['a', 'b'], 'x-correlation-id': '' });
    assert.equal(headers.requestId, undefined);
    assert.equal(headers.correlationId, undefined);
    assert.deepEqual(
      issues.map((i) => i.header),
      ['X-Request-ID', 'X-Correlation-ID'],
    );
  });

  test('sameParty compares case-insensitively (CiString)', () => {
    assert.equal(
      sameParty({ countryCode: 'nl', partyId: 'tnm' }, { countryCode: 'NL', partyId: 'TNM' }),
      true,
    );
    assert.equal(
      sameParty({ countryCode: 'NL', partyId: 'TNM' }, { countryCode: 'NL', partyId: 'TNN' }),
      false,
    );
  });

  test('routing headers are not for configuration modules', () => {
    assert.equal(usesRoutingHeaders('locations'), true);
    assert.equal(usesRoutingHeaders('payments'), true);
    for (const m of ['credentials', 'versions', 'hubclientinfo']) assert.equal(usesRoutingHeaders(m), false);
  });
});

describe('building headers', () => {
  const nl = { countryCode: 'NL', partyId: 'TNM' };
  const de = { countryCode: 'DE', partyId: 'ABC' };

  test('a new request gets a new request id and a new correlation id', () => {
    assert.deepEqual(buildRequestHeaders({ from: nl, to: de, generateId: ids() }), {
      'X-Request-ID': 'id-1',
      'X-Correlation-ID': 'id-2',
      'OCPI-to-country-code': 'DE',
      'OCPI-to-party-id': 'ABC',
      'OCPI-from-country-code': 'NL',
      'OCPI-from-party-id': 'TNM',
    });
    const continued = buildRequestHeaders({ correlationId: 'conv-7', generateId: ids() });
    assert.deepEqual(continued, { 'X-Request-ID': 'id-1', 'X-Correlation-ID': 'conv-7' });
  });

  test('default ids are UUIDs', () => {
    const h = buildRequestHeaders();
    const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
    assert.match(h[OCPI_HEADERS.requestId] ?? '', uuid);
    assert.match(h[OCPI_HEADERS.correlationId] ?? '', uuid);
    assert.notEqual(h[OCPI_HEADERS.requestId], h[OCPI_HEADERS.correlationId]);
  });

  test('a forwarded request: new X-Request-ID, same X-Correlation-ID, routing kept', () => {
    const incoming = parseOcpiHeaders({
      'X-Request-ID': 'incoming-req',
      'X-Correlation-ID': 'corr-1',
      'OCPI-from-country-code': 'NL',
      'OCPI-from-party-id': 'TNM',
      'OCPI-to-country-code': 'DE',
      'OCPI-to-party-id': 'ABC',
    }).headers;
    const out = buildForwardedRequestHeaders(incoming, { generateId: ids() });
    assert.equal(out['X-Request-ID'], 'id-1');
    assert.notEqual(out['X-Request-ID'], 'incoming-req');
    assert.equal(out['X-Correlation-ID'], 'corr-1');
    assert.equal(out['OCPI-from-party-id'], 'TNM');
    assert.equal(out['OCPI-to-party-id'], 'ABC');
  });

  test('a broadcast push sent on by the hub under its own party', () => {
    const hub = { countryCode: 'NL', partyId: 'HUB' };
    const out = buildForwardedRequestHeaders(
      { requestId: 'r', correlationId: 'c', from: nl, to: hub },
      { from: hub, to: de, generateId: ids() },
    );
    assert.equal(out['OCPI-from-party-id'], 'HUB');
    assert.equal(out['OCPI-to-party-id'], 'ABC');
    assert.equal(out['X-Correlation-ID'], 'c');
  });

  test('a response echoes both ids and swaps the parties', () => {
    const out = buildResponseHeaders({ requestId: 'r9', correlationId: 'c9', from: nl, to: de });
    assert.deepEqual(out, {
      'X-Request-ID': 'r9',
      'X-Correlation-ID': 'c9',
      'OCPI-to-country-code': 'NL',
      'OCPI-to-party-id': 'TNM',
      'OCPI-from-country-code': 'DE',
      'OCPI-from-party-id': 'ABC',
    });
  });
});
