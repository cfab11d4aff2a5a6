/**
 * OCPI 2.3.0, chapter "Bookings" — bookings branch (Booking-1.1): the whole module is a bookings
 * branch addition on top of 2.3.0 core. CPO-owned BookingLocations (what can be booked, with
 * calendars of free timeslots) and Bookings (what an eMSP booked, with the history of its requests).
 */
import type { Static } from '@sinclair/typebox';
import {
  CiString,
  DateTime,
  OcpiBoolean,
  OcpiClass,
  OcpiEnum,
  OcpiInt,
  OcpiNumber,
  OcpiString,
  OneOrMore,
  Optional,
  Url,
  ZeroOrMore,
} from '../common/primitives.js';
import { ConnectorFormat, ConnectorType, EVSEPosition, PowerType, VehicleType } from './locations.js';
import { TokenType } from './tokens.js';
import { Role } from './types.js';

// ---- Enums (all closed: the chapter types none of them as OpenEnum) ----

/** How a driver gets onto a site with a booked charger. */
export const AccessMethod = OcpiEnum('AccessMethod', [
  'OPEN',
  'TOKEN',
  'LICENSE_PLATE',
  'ACCESS_CODE',
  'INTERCOM',
  'PARKING_TICKET',
]);
export type AccessMethod = Static<typeof AccessMethod>;

/** Why a booking was canceled (some values are set by the CPO, others by the eMSP). */
export const CanceledReason = OcpiEnum('CanceledReason', [
  'POWER_OUTAGE',
  'BROKEN_CHARGER',
  'FULL',
  'BLOCKED',
  'TRAFFIC',
  'BROKEN_VEHICLE',
  'NO_CANCELED',
  'UNKNOWN',
]);
export type CanceledReason = Static<typeof CanceledReason>;

/** State of one request made on a booking (a booking carries one per request). */
export const ReservationRequestStatus = OcpiEnum('ReservationRequestStatus', [
  'PENDING',
  'ACCEPTED',
  'DECLINED',
  'FAILED',
]);
export type ReservationRequestStatus = Static<typeof ReservationRequestStatus>;

/** Lifecycle state of the booking itself; CANCELED/NO_SHOW/REJECTED/FAILED/FULFILLED are final. */
export const ReservationStatus = OcpiEnum('ReservationStatus', [
  'PENDING',
  'RESERVED',
  'CANCELED',
  'FAILED',
  'NO_SHOW',
  'FULFILLED',
  'REJECTED',
  'UNKNOWN',
]);
export type ReservationStatus = Static<typeof ReservationStatus>;

// ---- Classes, leaves first ----

/** One way in, with its value (a plate, a code) where the method needs one. */
export const AccessInformation = OcpiClass('AccessInformation', {
  method: AccessMethod,
  // Typed plain `String` with no length in the table.
  value: Optional(OcpiString()),
});
export type AccessInformation = Static<typeof AccessInformation>;

/**
 * What can be / was booked: an EVSE (`evse_uid` may be `#NA` until one is assigned) or just a
 * description of the charger and parking space wanted. Reuses the Locations chapter's enums.
 */
export const BookingOption = OcpiClass('BookingOption', {
  evse_uid: Optional(CiString(36)),
  connector_id: Optional(CiString(36)),
  parking_id: Optional(CiString(36)),
  // A list here (Booking-1.1 changed it from one value), unlike EVSEParking.evse_position.
  evse_position: ZeroOrMore(EVSEPosition),
  vehicle_types: ZeroOrMore(VehicleType),
  connector_format: ZeroOrMore(ConnectorFormat),
  connector_types: ZeroOrMore(ConnectorType),
  power_types: ZeroOrMore(PowerType),
  max_vehicle_weight: Optional(OcpiNumber()),
  max_vehicle_height: Optional(OcpiNumber()),
  max_vehicle_length: Optional(OcpiNumber()),
  max_vehicle_width: Optional(OcpiNumber()),
  min_parking_space_length: Optional(OcpiNumber()),
  min_parking_space_width: Optional(OcpiNumber()),
  dangerous_goods_allowed: Optional(OcpiBoolean()),
  drive_through: Optional(OcpiBoolean()),
  refrigeration_outlet: Optional(OcpiBoolean()),
});
export type BookingOption = Static<typeof BookingOption>;

/** A token allowed to use the booking: Token's identifying fields only, no whitelist/validity. */
export const BookingToken = OcpiClass('BookingToken', {
  country_code: CiString(2),
  party_id: CiString(3),
  uid: CiString(36),
  type: TokenType,
  contract_id: CiString(36),
});
export type BookingToken = Static<typeof BookingToken>;

/**
 * Who canceled and why. The table's link for `who_canceled` points at InterfaceRole's anchor but
 * names Role; Role (CPO, EMSP, …) is what "who" means, SENDER/RECEIVER would say nothing.
 */
export const Cancellation = OcpiClass('Cancellation', {
  cancellation_reason: CanceledReason,
  who_canceled: Role,
});
export type Cancellation = Static<typeof Cancellation>;

/** A requested time window (BookingRequest.period); Booking.period is a Timeslot instead. */
export const Period = OcpiClass('Period', {
  start_date_time: DateTime(),
  end_date_time: DateTime(),
});
export type Period = Static<typeof Period>;

export const Policy = OcpiClass('Policy', {
  reservation_required: OcpiBoolean(),
  // A count, yet typed `number` (not int) in the table: kept as the spec says.
  ad_hoc: Optional(OcpiNumber()),
});
export type Policy = Static<typeof Policy>;

/** An available (Calendar) or booked (Booking.period) window, with the power on offer in it. */
export const Timeslot = OcpiClass('Timeslot', {
  start_date_time: DateTime(),
  end_date_time: DateTime(),
  min_power: Optional(OcpiNumber()),
  max_power: Optional(OcpiNumber()),
  green_energy_support: Optional(OcpiBoolean()),
});
export type Timeslot = Static<typeof Timeslot>;

/** Conditions of booking at a location; the minute counts are `number` in the table, kept so. */
export const BookingTerms = OcpiClass('BookingTerms', {
  rfid_auth_required: Optional(OcpiBoolean()),
  token_groups_supported: Optional(OcpiBoolean()),
  remote_auth_supported: Optional(OcpiBoolean()),
  supported_access_methods: OneOrMore(AccessMethod),
  change_until_minutes: OcpiNumber(),
  cancel_until_minutes: OcpiNumber(),
  change_not_allowed: Optional(OcpiBoolean()),
  early_start_allowed: Optional(OcpiBoolean()),
  early_start_time: Optional(OcpiNumber()),
  noshow_timeout: Optional(OcpiNumber()),
  noshow_fee: Optional(OcpiBoolean()),
  late_stop_allowed: Optional(OcpiBoolean()),
  late_stop_time: Optional(OcpiNumber()),
  overlapping_bookings_allowed: Optional(OcpiBoolean()),
  min_booking_duration: Optional(OcpiNumber()),
  max_booking_duration: Optional(OcpiNumber()),
  booking_terms: Optional(Url()),
});
export type BookingTerms = Static<typeof BookingTerms>;

/**
 * Body of the eMSP's POST to the CPO (new booking or change of one; the same request_id for
 * every edit). country_code/party_id are the requesting eMSP's, not the CPO's.
 */
export const BookingRequest = OcpiClass('BookingRequest', {
  country_code: CiString(2),
  party_id: CiString(3),
  request_id: CiString(36),
  booking_option: Optional(BookingOption),
  location_id: CiString(36),
  booking_location_id: CiString(36),
  // The table names the type "BookingTokens" but links BookingToken.
  tokens: ZeroOrMore(BookingToken),
  access_information: ZeroOrMore(AccessInformation),
  period: Period,
  authorization_reference: CiString(36),
  // In kW per the table (Timeslot powers are in W).
  power_required: Optional(OcpiInt()),
  canceled: Optional(Cancellation),
});
export type BookingRequest = Static<typeof BookingRequest>;

/** One received request and how the CPO answered it. */
export const BookingRequestStatus = OcpiClass('BookingRequestStatus', {
  request_status: ReservationRequestStatus,
  booking_request: BookingRequest,
  request_received: DateTime(),
});
export type BookingRequestStatus = Static<typeof BookingRequestStatus>;

/** Free timeslots of a BookingLocation over [begin_from, end_before). */
export const Calendar = OcpiClass('Calendar', {
  id: CiString(36),
  begin_from: DateTime(),
  end_before: DateTime(),
  // Minutes.
  timeslot_increment: Optional(OcpiInt()),
  // The table writes the type "TimeSlot" and links Timeslot.
  available_timeslots: OneOrMore(Timeslot),
  last_updated: DateTime(),
});
export type Calendar = Static<typeof Calendar>;

// ---- Module objects ----

/** A booking: owned by the CPO, pushed to the eMSP, with every request made on it. */
export const Booking = OcpiClass('Booking', {
  id: CiString(36),
  country_code: CiString(2),
  party_id: CiString(3),
  request_id: CiString(36),
  booking_option: Optional(BookingOption),
  location_id: CiString(36),
  booking_tokens: ZeroOrMore(BookingToken),
  tariff_ids: ZeroOrMore(CiString(36)),
  // A Timeslot (with power) here, whereas the request carries a bare Period.
  period: Timeslot,
  reservation_status: ReservationStatus,
  canceled: Optional(Cancellation),
  access_information: ZeroOrMore(AccessInformation),
  authorization_reference: CiString(36),
  booking_terms: BookingTerms,
  booking_requests: OneOrMore(BookingRequestStatus),
  last_updated: DateTime(),
});
export type Booking = Static<typeof Booking>;

/**
 * What a CPO offers for booking at one Location. The chapter's sentence "booking_option or
 * evse_uid is mandatory" predates Booking-1.1 (evse_uid moved into BookingOption); the table
 * makes booking_option optional and that is what is enforced.
 */
export const BookingLocation = OcpiClass('BookingLocation', {
  country_code: CiString(2),
  party_id: CiString(3),
  id: CiString(36),
  location_id: CiString(36),
  booking_option: Optional(BookingOption),
  policy: Optional(Policy),
  tariff_ids: ZeroOrMore(CiString(36)),
  booking_terms: Optional(BookingTerms),
  calendars: ZeroOrMore(Calendar),
  last_updated: DateTime(),
});
export type BookingLocation = Static<typeof BookingLocation>;
