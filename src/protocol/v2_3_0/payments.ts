/**
 * OCPI 2.3.0, chapter "Payments" (new in 2.3.0, no predecessor): payment terminals (PTP-owned,
 * assigned to locations/EVSEs by the CPO) and the financial advice confirmations a PTP sends after
 * capturing at its PSP. One module id (`payments`), two interfaces hanging off it.
 */
import type { Static } from '@sinclair/typebox';
import {
  CiString,
  DateTime,
  OcpiClass,
  OcpiEnum,
  OneOrMore,
  Optional,
  Url,
  ZeroOrMore,
} from '../common/primitives.js';
import { GeoLocation } from './locations.js';
import { Price } from './types.js';

/** Which party produces the driver's invoice (CPO: via invoice_base_url + authorization_reference). */
export const InvoiceCreator = OcpiEnum('InvoiceCreator', ['CPO', 'PTP']);
export type InvoiceCreator = Static<typeof InvoiceCreator>;

/** Outcome of the capture at the PSP. */
export const CaptureStatusCode = OcpiEnum('CaptureStatusCode', ['SUCCESS', 'PARTIAL_SUCCESS', 'FAILED']);
export type CaptureStatusCode = Static<typeof CaptureStatusCode>;

/**
 * The Terminal's property table, shared by Terminal and by the activation request body (which
 * differs only in `terminal_id`), so the two cannot drift apart.
 */
const terminalProperties = {
  terminal_id: CiString(36),
  customer_reference: Optional(CiString(36)),
  // party_id/country_code: an alternative to customer_reference for linking the terminal to a CSMS.
  party_id: Optional(CiString(3)),
  country_code: Optional(CiString(2)),
  // The address fields are CiString here (unlike Location's `string`), as the table says.
  address: Optional(CiString(45)),
  city: Optional(CiString(45)),
  postal_code: Optional(CiString(10)),
  state: Optional(CiString(20)),
  country: Optional(CiString(3)),
  coordinates: Optional(GeoLocation),
  invoice_base_url: Optional(Url()),
  invoice_creator: Optional(InvoiceCreator),
  reference: Optional(CiString(36)),
  location_ids: ZeroOrMore(CiString(36)),
  evse_uids: ZeroOrMore(CiString(36)),
  last_updated: DateTime(),
};

export const Terminal = OcpiClass('Terminal', terminalProperties);
export type Terminal = Static<typeof Terminal>;

/**
 * Body of `POST {terminals}/activate` (CPO -> PTP). Not a spec class of its own: the spec sends a
 * Terminal there but lets `terminal_id` be absent, since the PTP assigns it on activation; every
 * other field keeps Terminal's cardinality. Kept separate so that Terminal itself stays strict.
 */
export const TerminalActivationRequest = OcpiClass('TerminalActivationRequest', {
  ...terminalProperties,
  terminal_id: Optional(CiString(36)),
});
export type TerminalActivationRequest = Static<typeof TerminalActivationRequest>;

/**
 * `CiString[1..255]` (eft_data, capture_status_message) is read as a length range: an empty
 * line or message carries nothing, and `?` on capture_status_message rules out a list reading.
 */
const CiString1To255 = () => CiString(255, { minLength: 1 });

export const FinancialAdviceConfirmation = OcpiClass('FinancialAdviceConfirmation', {
  id: CiString(36),
  // Mapping key to the session: the authorization_reference of Commands.StartSession.
  authorization_reference: CiString(36),
  // 2.3.0 Price (before_taxes + taxes), the amount actually captured.
  total_costs: Price,
  currency: CiString(3),
  eft_data: OneOrMore(CiString1To255()),
  capture_status_code: CaptureStatusCode,
  capture_status_message: Optional(CiString1To255()),
  last_updated: DateTime(),
});
export type FinancialAdviceConfirmation = Static<typeof FinancialAdviceConfirmation>;
