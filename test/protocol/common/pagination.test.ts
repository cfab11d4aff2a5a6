import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  inDateRange,
  PAGINATION_HEADER_TOLERANCES,
  PAGINATION_QUERY_TOLERANCES,
  type PaginationParseResult,
  pageUrl,
  paginationHeaders,
  parsePaginationHeaders,
  parsePaginationQuery,
} from '../../../src/protocol/common/pagination.js';

const OPTIONS = { defaultLimit: 50, maxLimit: 100 };

function params(result: PaginationParseResult) {
  assert.ok(result.ok, result.ok ? '' : JSON.stringify(result.issues));
  return result;
}

describe('parsePaginationQuery', () => {
  test('defaults: offset 0, the default limit, no dates', () => {
    const r = params(parsePaginationQuery({}, OPTIONS));
    assert.deepEqual(r.params, { offset: 0, limit: 50 });
    assert.equal(r.limitLowered, false);
  });

  test('reads the spec example query (2.2.1 Locations)', () => {
    const r = params(
      parsePaginationQuery(
        '?date_from=2019-01-28T12:00:00&date_to=2019-01-29T12:00:00&offset=50&limit=100',
        OPTIONS,
      ),
    );
    assert.equal(r.params.offset, 50);
    assert.equal(r.params.limit, 100);
    assert.equal(r.params.dateFrom?.toISOString(), '2019-01-28T12:00:00.000Z');
    assert.equal(r.params.dateTo?.toISOString(), '2019-01-29T12:00:00.000Z');
    assert.deepEqual(r.tolerances, [
      { param: 'date_from', tolerances: ['MISSING_Z'] },
      { param: 'date_to', tolerances: ['MISSING_Z'] },
    ]);
  });

  test('all query shapes: record, URLSearchParams, string', () => {
    for (const query of [
      { offset: '10', limit: '20' },
      new URLSearchParams('offset=10&limit=20'),
      'offset=10&limit=20',
    ]) {
      assert.deepEqual(params(parsePaginationQuery(query, OPTIONS)).params, { offset: 10, limit: 20 });
    }
  });

  test('a limit above the server maximum is lowered (X-Limit tells the client)', () => {
    const r = params(parsePaginationQuery({ limit: '2000' }, OPTIONS));
    assert.equal(r.params.limit, 100);
    assert.equal(r.limitLowered, true);
  });

  test('invalid numbers are 2001 errors, all reported', () => {
    const r = parsePaginationQuery({ offset: '-1', limit: '1.5', date_from: 'yesterday' }, OPTIONS);
    assert.equal(r.ok, false);
    if (r.ok) return;
    assert.equal(r.statusCode, 2001);
    assert.deepEqual(
      r.issues.map((i) => i.param),
      ['offset', 'limit', 'date_from'],
    );
    for (const bad of ['0', 'ten', '1e3', ' ', '99999999999999999999']) {
      const x = parsePaginationQuery({ limit: bad }, OPTIONS);
      if (bad === ' ') {
        assert.equal(x.ok, true); // blank = absent (EMPTY_VALUE)
      } else {
        assert.equal(x.ok, false, `limit=${bad}`);
      }
    }
  });

  test('a parameter given twice is an error', () => {
    const r = parsePaginationQuery('offset=1&offset=2', OPTIONS);
    assert.equal(r.ok, false);
    if (!r.ok) assert.deepEqual(r.issues, [{ param: 'offset', message: 'is given more than once' }]);
  });

  test('date_from after date_to is an error; equal is an empty range, not an error', () => {
    const r = parsePaginationQuery(
      { date_from: '2020-01-02T00:00:00Z', date_to: '2020-01-01T00:00:00Z' },
      OPTIONS,
    );
    assert.equal(r.ok, false);
    assert.equal(
      parsePaginationQuery({ date_from: '2020-01-01T00:00:00Z', date_to: '2020-01-01T00:00:00Z' }, OPTIONS)
        .ok,
      true,
    );
  });

  test('requireDateFrom (Sessions)', () => {
    const r = parsePaginationQuery({ limit: '5' }, { ...OPTIONS, requireDateFrom: true });
    assert.equal(r.ok, false);
    if (!r.ok) assert.deepEqual(r.issues, [{ param: 'date_from', message: 'is required for this endpoint' }]);
    assert.equal(
      parsePaginationQuery({ date_from: '2020-01-01T00:00:00Z' }, { ...OPTIONS, requireDateFrom: true }).ok,
      true,
    );
  });

  test('tolerances: EMPTY_VALUE, PLUS_AS_SPACE', () => {
    assert.deepEqual([...PAGINATION_QUERY_TOLERANCES], ['EMPTY_VALUE', 'PLUS_AS_SPACE']);
    const empty = params(parsePaginationQuery('date_to=&limit=10', OPTIONS));
    assert.deepEqual(empty.params, { offset: 0, limit: 10 });
    assert.deepEqual(empty.tolerances, [{ param: 'date_to', tolerances: ['EMPTY_VALUE'] }]);

    // `?date_from=2019-01-28T14:00:00+02:00` sent without encoding the '+'.
    const plus = params(parsePaginationQuery('date_from=2019-01-28T14:00:00+02:00', OPTIONS));
    assert.equal(plus.params.dateFrom?.toISOString(), '2019-01-28T12:00:00.000Z');
    assert.deepEqual(plus.tolerances, [
      { param: 'date_from', tolerances: ['PLUS_AS_SPACE', 'NON_ZERO_OFFSET'] },
    ]);
    // Properly encoded, no PLUS_AS_SPACE.
    const encoded = params(parsePaginationQuery('date_from=2019-01-28T14:00:00%2B02:00', OPTIONS));
    assert.deepEqual(encoded.tolerances, [{ param: 'date_from', tolerances: ['NON_ZERO_OFFSET'] }]);
  });

  test('a bad maxLimit is a programming error', () => {
    assert.throws(() => parsePaginationQuery({}, { defaultLimit: 10, maxLimit: 0 }), RangeError);
  });
});

describe('inDateRange: date_from inclusive, date_to exclusive', () => {
  const from = new Date('2020-01-01T00:00:00Z');
  const to = new Date('2020-01-02T00:00:00Z');
  test('boundaries', () => {
    assert.equal(inDateRange(from, { dateFrom: from, dateTo: to }), true);
    assert.equal(inDateRange(to, { dateFrom: from, dateTo: to }), false);
    assert.equal(inDateRange(new Date(to.getTime() - 1), { dateFrom: from, dateTo: to }), true);
    assert.equal(inDateRange(new Date(from.getTime() - 1), { dateFrom: from }), false);
    assert.equal(inDateRange(new Date(0), {}), true);
  });
  test('consecutive intervals do not overlap and leave no gap', () => {
    const mid = new Date('2020-01-01T12:00:00Z');
    for (const t of [from, mid, new Date(mid.getTime() - 1)]) {
      const hits = [
        inDateRange(t, { dateFrom: from, dateTo: mid }),
        inDateRange(t, { dateFrom: mid, dateTo: to }),
      ];
      assert.equal(hits.filter(Boolean).length, 1, t.toISOString());
    }
  });
});

describe('paginationHeaders', () => {
  const base = 'https://www.server.com/ocpi/cpo/2.2.1/cdrs/';

  test('the spec example with filters (2.2.1 transport and format)', () => {
    const headers = paginationHeaders({
      baseUrl: base,
      query: { date_from: '2016-01-01T00:00:00Z', date_to: '2016-12-31T23:59:59Z' },
      offset: 0,
      limit: 100,
      total: 1000,
    });
    assert.deepEqual(headers, {
      'X-Total-Count': '1000',
      'X-Limit': '100',
      Link: '<https://www.server.com/ocpi/cpo/2.2.1/cdrs/?offset=100&limit=100&date_from=2016-01-01T00:00:00Z&date_to=2016-12-31T23:59:59Z>; rel="next"',
    });
  });

  test('the spec examples offset=150&limit=50 -> 200, and a server-limited 2000 -> 100', () => {
    assert.equal(
      paginationHeaders({ baseUrl: base, query: 'offset=150&limit=50', offset: 150, limit: 50, total: 1000 })
        .Link,
      '<https://www.server.com/ocpi/cpo/2.2.1/cdrs/?offset=200&limit=50>; rel="next"',
    );
    const limited = paginationHeaders({
      baseUrl: base,
      query: '?limit=2000',
      offset: 0,
      limit: 100,
      total: 500,
    });
    assert.equal(
      limited.Link,
      '<https://www.server.com/ocpi/cpo/2.2.1/cdrs/?offset=100&limit=100>; rel="next"',
    );
    assert.equal(limited['X-Limit'], '100');
  });

  test('no Link on the last page; X-Limit stays the upper limit', () => {
    const last = paginationHeaders({ baseUrl: base, query: {}, offset: 100, limit: 50, total: 120 });
    assert.deepEqual(last, { 'X-Total-Count': '120', 'X-Limit': '50' });
    assert.equal(
      paginationHeaders({ baseUrl: base, query: {}, offset: 0, limit: 50, total: 50 }).Link,
      undefined,
    );
    assert.equal(
      paginationHeaders({ baseUrl: base, query: {}, offset: 0, limit: 50, total: 0 }).Link,
      undefined,
    );
    assert.ok(paginationHeaders({ baseUrl: base, query: {}, offset: 0, limit: 50, total: 51 }).Link);
  });

  test('other filters are carried along: raw as received, or encoded from a record', () => {
    assert.equal(
      pageUrl('https://x.test/tokens', 'type=RFID&date_from=2019-01-28T12%3A00%3A00Z&offset=0', 10, 10),
      'https://x.test/tokens?offset=10&limit=10&type=RFID&date_from=2019-01-28T12%3A00%3A00Z',
    );
    assert.equal(
      pageUrl('https://x.test/tokens', { note: 'a b&c', date_from: '2019-01-28T12:00:00+02:00' }, 10, 10),
      'https://x.test/tokens?offset=10&limit=10&note=a%20b%26c&date_from=2019-01-28T12:00:00%2B02:00',
    );
    assert.equal(
      pageUrl('https://x.test/tokens?offset=5&x=1', new URLSearchParams('y=2&limit=9'), 20, 10),
      'https://x.test/tokens?offset=20&limit=10&x=1&y=2',
    );
  });

  test('round trip: the Link we write is what parsePaginationQuery reads', () => {
    const h = paginationHeaders({
      baseUrl: base,
      query: { date_from: '2016-01-01T00:00:00Z' },
      offset: 0,
      limit: 25,
      total: 100,
    });
    const next = parsePaginationHeaders(h).next;
    assert.ok(next);
    const r = params(parsePaginationQuery(new URL(next).search, OPTIONS));
    assert.deepEqual(r.params, { offset: 25, limit: 25, dateFrom: new Date('2016-01-01T00:00:00Z') });
  });
});

describe('parsePaginationHeaders', () => {
  test('reads the three headers, case-insensitively', () => {
    const h = parsePaginationHeaders({
      link: '<https://www.server.com/ocpi/cpo/2.2.1/cdrs/?offset=150&limit=50>; rel="next"',
      'x-total-count': '1000',
      'x-limit': '50',
    });
    assert.deepEqual(h, {
      next: 'https://www.server.com/ocpi/cpo/2.2.1/cdrs/?offset=150&limit=50',
      totalCount: 1000,
      limit: 50,
      tolerances: [],
      issues: [],
    });
  });

  test('last page: no Link', () => {
    const h = parsePaginationHeaders(new Headers({ 'X-Total-Count': '3', 'X-Limit': '50' }));
    assert.equal(h.next, undefined);
    assert.equal(h.totalCount, 3);
  });

  test('RFC 8288 forms: several links, unquoted and multi-valued rel, other params', () => {
    assert.equal(
      parsePaginationHeaders({
        Link: '<https://a.test/?offset=0>; rel="prev", <https://a.test/?offset=20>; rel=next',
      }).next,
      'https://a.test/?offset=20',
    );
    assert.equal(
      parsePaginationHeaders({ Link: '<https://a.test/p2>; title="page two"; rel="next last"' }).next,
      'https://a.test/p2',
    );
    assert.equal(parsePaginationHeaders({ Link: '<https://a.test/p0>; rel="prev"' }).next, undefined);
    assert.equal(
      parsePaginationHeaders({ Link: '<https://a.test/p2>; REL="NEXT"' }).next,
      'https://a.test/p2',
    );
  });

  test('a relative target is resolved against the request URL', () => {
    const h = parsePaginationHeaders(
      { Link: '</ocpi/2.2.1/cdrs?offset=10&limit=10>; rel="next"' },
      'https://a.test/ocpi/2.2.1/cdrs',
    );
    assert.equal(h.next, 'https://a.test/ocpi/2.2.1/cdrs?offset=10&limit=10');
    const unresolved = parsePaginationHeaders({ Link: '</x>; rel="next"' });
    assert.equal(unresolved.next, undefined);
    assert.equal(unresolved.issues.length, 1);
  });

  test('WHITESPACE_IN_LINK_URL: the spec example broken over two lines', () => {
    assert.deepEqual([...PAGINATION_HEADER_TOLERANCES], ['WHITESPACE_IN_LINK_URL']);
    const h = parsePaginationHeaders({
      Link: '<https://www.server.com/ocpi/cpo/2.2.1/cdrs/?offset=100\n                 &limit=100&date_from=2016-01-01T00:00:00Z&date_to=2016-12-31T23:59:59Z>; rel="next"',
    });
    assert.equal(
      h.next,
      'https://www.server.com/ocpi/cpo/2.2.1/cdrs/?offset=100&limit=100&date_from=2016-01-01T00:00:00Z&date_to=2016-12-31T23:59:59Z',
    );
    assert.deepEqual(h.tolerances, ['WHITESPACE_IN_LINK_URL']);
  });

  test('unreadable counts are issues, not numbers', () => {
    const h = parsePaginationHeaders({ 'X-Total-Count': 'many', 'X-Limit': '-5' });
    assert.equal(h.totalCount, undefined);
    assert.equal(h.limit, undefined);
    assert.equal(h.issues.length, 2);
  });
});
