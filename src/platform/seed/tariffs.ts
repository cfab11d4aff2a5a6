/**
 * Seed Tariffs of one CPO party: a catalogue of the usual European price structures, priced in
 * the party's currency, excluding VAT (`tax_included` NO) with the party country's VAT rate on
 * every component, which is how the 2.3.0 chapter writes European tariffs and converts to the
 * older versions without guessing.
 */
import type { v2_3_0 } from '../../protocol/index.js';
import type { Random } from './random.js';

type Tariff = v2_3_0.tariffs.Tariff;
type TariffElement = v2_3_0.tariffs.TariffElement;
type PriceComponent = v2_3_0.tariffs.PriceComponent;

/** The currency a party prices in, and how many units of it make a euro (roughly). */
interface Money {
  currency: string;
  perEuro: number;
  /** Decimal places prices are written with. */
  decimals: number;
  /** Standard VAT rate, percent. */
  vat: number;
}

const EURO = (vat: number): Money => ({ currency: 'EUR', perEuro: 1, decimals: 2, vat });

/** By ISO 3166 alpha-2 of the party; others price in euro with 20 % VAT. */
const MONEY: Readonly<Record<string, Money>> = {
  AT: EURO(20),
  BE: EURO(21),
  CH: { currency: 'CHF', perEuro: 0.95, decimals: 2, vat: 8.1 },
  CZ: { currency: 'CZK', perEuro: 25, decimals: 1, vat: 21 },
  DE: EURO(19),
  DK: { currency: 'DKK', perEuro: 7.45, decimals: 2, vat: 25 },
  ES: EURO(21),
  FI: EURO(25.5),
  FR: EURO(20),
  GB: { currency: 'GBP', perEuro: 0.85, decimals: 2, vat: 20 },
  IE: EURO(23),
  IT: EURO(22),
  LU: EURO(17),
  NL: EURO(21),
  NO: { currency: 'NOK', perEuro: 11.5, decimals: 2, vat: 25 },
  PL: { currency: 'PLN', perEuro: 4.3, decimals: 2, vat: 23 },
  PT: EURO(23),
  SE: { currency: 'SEK', perEuro: 11.5, decimals: 2, vat: 25 },
};

export function moneyOf(countryCode: string): Money {
  return MONEY[countryCode.toUpperCase()] ?? EURO(20);
}

/** Which connectors a tariff is meant for. */
export type TariffUse = 'AC' | 'DC' | 'ANY';

/** The price structures the generator knows, one Tariff each. */
export const TARIFF_KINDS = [
  'ENERGY',
  'ENERGY_TIME',
  'PARKING_AFTER_HOURS',
  'SESSION_FEE',
  'DAY_NIGHT',
  'POWER_TIERS',
] as const;
export type TariffKind = (typeof TARIFF_KINDS)[number];

export interface SeedTariff {
  kind: TariffKind;
  use: TariffUse;
  tariff: Tariff;
}

const USE: Record<TariffKind, TariffUse> = {
  ENERGY: 'ANY',
  ENERGY_TIME: 'AC',
  PARKING_AFTER_HOURS: 'AC',
  SESSION_FEE: 'ANY',
  DAY_NIGHT: 'AC',
  // Power tiers matter where power varies most: DC fast charging.
  POWER_TIERS: 'DC',
};

const ID: Record<TariffKind, string> = {
  ENERGY: 'ENERGY',
  ENERGY_TIME: 'ENERGY-TIME',
  PARKING_AFTER_HOURS: 'PARKING',
  SESSION_FEE: 'SESSION-FEE',
  DAY_NIGHT: 'DAY-NIGHT',
  POWER_TIERS: 'POWER-TIERS',
};

export interface TariffContext {
  party: { country_code: string; party_id: string };
  lastUpdated: (rng: Random) => string;
}

/**
 * `count` Tariffs (1 to 6): the energy-only one first (every network has one), then other
 * structures in seeded order.
 */
export function generateTariffs(rng: Random, count: number, context: TariffContext): SeedTariff[] {
  const money = moneyOf(context.party.country_code);
  const others = rng.shuffle(TARIFF_KINDS.filter((kind) => kind !== 'ENERGY'));
  const kinds = (['ENERGY', ...others] as TariffKind[]).slice(
    0,
    Math.max(1, Math.min(count, TARIFF_KINDS.length)),
  );
  // One price level per network: AC energy excl. VAT 0.30–0.45 €/kWh, DC 0.15–0.25 above it.
  const ac = rng.float(0.3, 0.45);
  const dc = ac + rng.float(0.15, 0.25);
  return kinds.map((kind) => ({
    kind,
    use: USE[kind],
    tariff: tariffOf(kind, rng, money, { ac, dc }, context),
  }));
}

function tariffOf(
  kind: TariffKind,
  rng: Random,
  money: Money,
  level: { ac: number; dc: number },
  context: TariffContext,
): Tariff {
  const price = (euro: number) => {
    const factor = 10 ** money.decimals;
    return Math.round(euro * money.perEuro * factor) / factor;
  };
  const component = (type: PriceComponent['type'], euro: number): PriceComponent => ({
    type,
    price: price(euro),
    vat: money.vat,
    // 1 Wh / 1 s: bill what was used (the spec advises it; OCPI 3.0 drops step_size).
    step_size: 1,
  });
  let elements: TariffElement[];
  let type: Tariff['type'] | undefined;
  switch (kind) {
    case 'ENERGY':
      elements = [{ price_components: [component('ENERGY', level.ac)] }];
      break;
    case 'ENERGY_TIME':
      // Energy plus a charging-time fee that discourages occupying the charger.
      elements = [
        { price_components: [component('ENERGY', level.ac), component('TIME', rng.pick([0.6, 1.2, 1.5]))] },
      ];
      break;
    case 'PARKING_AFTER_HOURS': {
      // Parking (plugged in, not charging) costs only once the session has lasted N hours.
      const hours = rng.pick([2, 3, 4]);
      elements = [
        { price_components: [component('ENERGY', level.ac)] },
        {
          price_components: [component('PARKING_TIME', rng.pick([3, 5, 6]))],
          restrictions: { min_duration: hours * 3600 },
        },
      ];
      break;
    }
    case 'SESSION_FEE':
      elements = [
        {
          price_components: [
            component('FLAT', rng.pick([0.35, 0.5, 1])),
            component('ENERGY', level.ac - 0.03),
          ],
        },
      ];
      break;
    case 'DAY_NIGHT':
      // Cheaper at night (22:00–07:00 wraps past midnight); the unrestricted element is the fallback.
      type = 'REGULAR';
      elements = [
        {
          price_components: [component('ENERGY', level.ac - 0.08)],
          restrictions: { start_time: '22:00', end_time: '07:00' },
        },
        { price_components: [component('ENERGY', level.ac + 0.04)] },
      ];
      break;
    case 'POWER_TIERS':
      type = 'REGULAR';
      elements = [
        { price_components: [component('ENERGY', level.dc - 0.1)], restrictions: { max_power: 50 } },
        {
          price_components: [component('ENERGY', level.dc)],
          restrictions: { min_power: 50, max_power: 150 },
        },
        { price_components: [component('ENERGY', level.dc + 0.1)] },
      ];
      break;
  }
  return {
    country_code: context.party.country_code,
    party_id: context.party.party_id,
    id: ID[kind],
    currency: money.currency,
    ...(type === undefined ? {} : { type }),
    elements,
    tax_included: 'NO',
    last_updated: context.lastUpdated(rng),
  };
}
