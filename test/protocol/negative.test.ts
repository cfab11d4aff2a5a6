/**
 * Negative tests, per module and version: take away a required field, put in an unknown enum
 * value, make a string one character too long, break a DateTime — each must fail, at the right
 * JSON pointer, with the right kind of error, and the untouched document must be valid.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { findSchema, type OcpiVersion, schemasByVersion, validate } from '../../src/protocol/index.js';
import { readExample } from '../helpers/fixtures.js';

type Doc = Record<string, unknown>;

interface Case {
  version: OcpiVersion;
  module: string;
  type: string;
  base: () => Doc;
  /** A required field to take away. */
  required: string;
  /** A field holding an enum value. */
  enumField: string;
  /** A string field and its maximum length. */
  long: [pointer: string, maxLength: number];
  /** A DateTime field (none in some objects). */
  dateTime?: string;
}

const clone = (doc: Doc): Doc => structuredClone(doc);
const example = (file: string) => () => readExample(file) as Doc;

function parent(doc: Doc, pointer: string): [Record<string, unknown>, string] {
  const parts = pointer.split('/').slice(1);
  const last = parts.pop() as string;
  let node: unknown = doc;
  for (const part of parts) node = (node as Record<string, unknown>)[part];
  return [node as Record<string, unknown>, last];
}

function set(doc: Doc, pointer: string, value: unknown): Doc {
  const copy = clone(doc);
  const [node, key] = parent(copy, pointer);
  node[key] = value;
  return copy;
}

function remove(doc: Doc, pointer: string): Doc {
  const copy = clone(doc);
  const [node, key] = parent(copy, pointer);
  assert.ok(key in node, `${pointer} is not in the base document`);
  delete node[key];
  return copy;
}

// A token of every 2.2+ command (commands carry no example in the spec, so built here).
const token22 = () => readExample('2.2.1/token_example_2_full_rfid.json') as Doc;
const token23 = () => readExample('2.3.0/token_example_2_full_rfid.json') as Doc;

const cases: Case[] = [
  // Locations
  ...(['2.1.1', '2.2.1', '2.3.0'] as const).map(
    (version): Case => ({
      version,
      module: 'locations',
      type: 'Location',
      base: example(
        version === '2.1.1' ? '2.1.1/mod_locations_06.json.txt' : `${version}/location_example.json`,
      ),
      required: '/address',
      enumField: '/evses/0/status',
      long: ['/city', 45],
      dateTime: '/last_updated',
    }),
  ),
  // Tariffs
  {
    version: '2.1.1',
    module: 'tariffs',
    type: 'Tariff',
    base: example('2.1.1/mod_tariffs_03.json.txt'),
    required: '/currency',
    enumField: '/elements/0/price_components/0/type',
    long: ['/id', 36],
    dateTime: '/last_updated',
  },
  ...(['2.2.1', '2.3.0'] as const).map(
    (version): Case => ({
      version,
      module: 'tariffs',
      type: 'Tariff',
      base: example(`${version}/tariff_4_complex.json`),
      required: '/currency',
      enumField: '/elements/0/price_components/0/type',
      long: ['/id', 36],
      dateTime: '/last_updated',
    }),
  ),
  // Sessions
  {
    version: '2.1.1',
    module: 'sessions',
    type: 'Session',
    base: example('2.1.1/mod_sessions_03.json.txt'),
    required: '/auth_id',
    enumField: '/status',
    long: ['/currency', 3],
    dateTime: '/start_datetime',
  },
  ...(['2.2.1', '2.3.0'] as const).map(
    (version): Case => ({
      version,
      module: 'sessions',
      type: 'Session',
      base: example(`${version}/session_example_2_short_finished.json`),
      required: '/cdr_token',
      enumField: '/status',
      long: ['/location_id', 36],
      dateTime: '/start_date_time',
    }),
  ),
  // CDRs (the 2.1.1 and 2.3.0 examples are errata: mended first, so the base is valid)
  {
    version: '2.1.1',
    module: 'cdrs',
    type: 'CDR',
    base: () =>
      set(
        readExample('2.1.1/mod_cdrs_01.json.txt') as Doc,
        '/tariffs/0/elements/0/price_components/0/price',
        2,
      ),
    required: '/stop_date_time',
    enumField: '/auth_method',
    long: ['/auth_id', 36],
    dateTime: '/start_date_time',
  },
  ...(['2.2.1', '2.3.0'] as const).map(
    (version): Case => ({
      version,
      module: 'cdrs',
      type: 'CDR',
      base:
        version === '2.3.0'
          ? () => set(readExample('2.3.0/cdr_example.json') as Doc, '/tariffs/0/tax_included', 'NO')
          : example('2.2.1/cdr_example.json'),
      required: '/cdr_location',
      enumField: '/auth_method',
      long: ['/id', 39],
      dateTime: '/end_date_time',
    }),
  ),
  // Tokens
  {
    version: '2.1.1',
    module: 'tokens',
    type: 'Token',
    base: example('2.1.1/mod_tokens_03.json.txt'),
    required: '/issuer',
    enumField: '/whitelist',
    long: ['/uid', 36],
    dateTime: '/last_updated',
  },
  ...(['2.2.1', '2.3.0'] as const).map(
    (version): Case => ({
      version,
      module: 'tokens',
      type: 'Token',
      base: example(`${version}/token_example_2_full_rfid.json`),
      required: '/contract_id',
      enumField: '/whitelist',
      long: ['/uid', 36],
      dateTime: '/last_updated',
    }),
  ),
  // Credentials (no DateTime in the object)
  {
    version: '2.1.1',
    module: 'credentials',
    type: 'Credentials',
    base: example('2.1.1/credentials_01.json.txt'),
    required: '/token',
    enumField: '/business_details/logo/category',
    long: ['/party_id', 3],
  },
  ...(['2.2.1', '2.3.0'] as const).map(
    (version): Case => ({
      version,
      module: 'credentials',
      type: 'Credentials',
      base: example(`${version}/credentials_example.json`),
      required: '/url',
      enumField: '/roles/0/role',
      long: ['/roles/0/party_id', 3],
    }),
  ),
  // Versions (no DateTime)
  ...(['2.2.1', '2.3.0'] as const).map(
    (version): Case => ({
      version,
      module: 'versions',
      type: 'VersionDetails',
      base: example(`${version}/version_details_example.json`),
      required: '/endpoints',
      enumField: '/endpoints/0/role',
      long: ['/endpoints/0/url', 255],
    }),
  ),
  // Commands: built here, the spec publishes no command example
  ...(['2.2.1', '2.3.0'] as const).map(
    (version): Case => ({
      version,
      module: 'commands',
      type: 'ReserveNow',
      base: () => ({
        response_url: 'https://emsp.example.com/ocpi/emsp/2.2.1/commands/RESERVE_NOW/1234',
        token: version === '2.2.1' ? token22() : token23(),
        expiry_date: '2026-11-25T18:00:00Z',
        reservation_id: 'R-1234',
        location_id: 'LOC1',
        evse_uid: '3256',
      }),
      required: '/reservation_id',
      // 2.3.0 TokenType is an OpenEnum (any text is valid): whitelist is closed in both.
      enumField: '/token/whitelist',
      long: ['/location_id', 36],
      dateTime: '/expiry_date',
    }),
  ),
  {
    version: '2.1.1',
    module: 'commands',
    type: 'CommandResponse',
    base: () => ({ result: 'ACCEPTED' }),
    required: '/result',
    enumField: '/result',
    long: ['/result', 1e9],
  },
  // Charging profiles
  ...(['2.2.1', '2.3.0'] as const).map(
    (version): Case => ({
      version,
      module: 'chargingprofiles',
      type: 'ActiveChargingProfile',
      base: () => ({
        start_date_time: '2026-11-25T17:00:00Z',
        charging_profile: {
          charging_rate_unit: 'W',
          charging_profile_period: [{ start_period: 0, limit: 11000 }],
        },
      }),
      required: '/charging_profile',
      enumField: '/charging_profile/charging_rate_unit',
      long: ['/start_date_time', 25],
      dateTime: '/start_date_time',
    }),
  ),
  // Hub client info
  ...(['2.2.1', '2.3.0'] as const).map(
    (version): Case => ({
      version,
      module: 'hubclientinfo',
      type: 'ClientInfo',
      base: () => ({
        party_id: 'TNM',
        country_code: 'NL',
        role: 'EMSP',
        status: 'CONNECTED',
        last_updated: '2026-11-25T12:00:00Z',
      }),
      required: '/status',
      enumField: '/role',
      long: ['/party_id', 3],
      dateTime: '/last_updated',
    }),
  ),
  // Payments
  {
    version: '2.3.0',
    module: 'payments',
    type: 'Terminal',
    base: example('2.3.0/payment_terminal_create.json'),
    required: '/terminal_id',
    enumField: '/invoice_creator',
    long: ['/terminal_id', 36],
    dateTime: '/last_updated',
  },
  // Bookings: the branch's examples are errata, so a valid Booking is built here
  {
    version: '2.3.0',
    module: 'bookings',
    type: 'Booking',
    base: () => ({
      id: 'BK-1',
      country_code: 'NL',
      party_id: 'IHO',
      request_id: 'RQ-1',
      location_id: 'LOC1',
      period: { start_date_time: '2026-11-26T08:00:00Z', end_date_time: '2026-11-26T09:00:00Z' },
      reservation_status: 'RESERVED',
      authorization_reference: 'AUTH-1',
      booking_terms: {
        supported_access_methods: ['OPEN'],
        change_until_minutes: 60,
        cancel_until_minutes: 30,
      },
      booking_requests: [
        {
          request_status: 'ACCEPTED',
          request_received: '2026-11-25T11:59:00Z',
          booking_request: {
            country_code: 'NL',
            party_id: 'TNM',
            request_id: 'RQ-1',
            location_id: 'LOC1',
            booking_location_id: 'BL-1',
            period: { start_date_time: '2026-11-26T08:00:00Z', end_date_time: '2026-11-26T09:00:00Z' },
            authorization_reference: 'AUTH-1',
          },
        },
      ],
      last_updated: '2026-11-25T12:00:00Z',
    }),
    required: '/request_id',
    enumField: '/reservation_status',
    long: ['/id', 36],
    dateTime: '/last_updated',
  },
];

describe('invalid documents are rejected at the right pointer', () => {
  for (const c of cases) {
    describe(`${c.version} ${c.module} ${c.type}`, () => {
      const schema = findSchema(schemasByVersion[c.version], c.type);
      const issuesOf = (doc: Doc) => {
        assert.ok(schema, `${c.version} has no ${c.type}`);
        return validate(schema, doc).issues;
      };
      const expectIssue = (doc: Doc, pointer: string, keyword: string) => {
        const issues = issuesOf(doc);
        assert.ok(
          issues.some((i) => i.pointer === pointer && i.keyword === keyword),
          `expected a ${keyword} issue at ${pointer}; got ${JSON.stringify(issues)}`,
        );
      };

      it('the untouched base document is valid', () => assert.deepEqual(issuesOf(c.base()), []));
      it(`without ${c.required}: missing required field`, () =>
        expectIssue(remove(c.base(), c.required), c.required, 'required'));
      it(`${c.enumField} = an unknown value: enum error`, () =>
        expectIssue(set(c.base(), c.enumField, 'NOT_AN_OCPI_VALUE'), c.enumField, 'enum'));
      if (c.long[1] < 1e6) {
        it(`${c.long[0]} one character too long: maxLength error`, () =>
          expectIssue(set(c.base(), c.long[0], 'X'.repeat(c.long[1] + 1)), c.long[0], 'maxLength'));
      }
      if (c.dateTime !== undefined) {
        const at = c.dateTime;
        it(`${at} malformed: DateTime error`, () => {
          expectIssue(set(c.base(), at, '2015-06-29 20:39'), at, 'pattern');
          expectIssue(set(c.base(), at, '2015-13-29T20:39:09Z'), at, 'pattern');
          expectIssue(set(c.base(), at, '2015-06-29T20:39:09+02:00'), at, 'pattern');
        });
      }
    });
  }

  it('reports every violation of a document, not only the first', () => {
    const schema = findSchema(schemasByVersion['2.2.1'], 'Location');
    assert.ok(schema);
    let doc = remove(readExample('2.2.1/location_example.json') as Doc, '/address');
    doc = set(doc, '/evses/0/status', 'BROKEN');
    doc = set(doc, '/city', 'X'.repeat(46));
    const pointers = validate(schema, doc)
      .issues.map((i) => i.pointer)
      .sort();
    assert.deepEqual(pointers, ['/address', '/city', '/evses/0/status']);
  });
});
