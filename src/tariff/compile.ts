/**
 * A Tariff read once for pricing: prices and VAT rates as exact decimals, restrictions compiled,
 * per dimension the elements to try in order, and what is malformed as notes. Memoised per Tariff
 * object and OCPI version (a Tariff is not changed while it is priced).
 */
import type { OcpiVersion } from '../protocol/index.js';
import type { PriceComponent, Tariff, TariffDimensionType } from '../protocol/v2_3_0/tariffs.js';
import { type ExactDecimal, exactDecimal, type Money, moneyOf } from './money.js';
import { type NoteCode, note, type PricingNote } from './notes.js';
import { wholeStep } from './quantity.js';
import {
  type CompiledRestrictions,
  compileRestrictions,
  type RestrictionName,
  tariffValidity,
  type Validity,
} from './restrictions.js';

/** Charging, or a reservation (expired: RESERVATION_EXPIRES elements first). */
export type PricingContext = 'charging' | 'reservation' | 'reservation_expires';

/** The CDR field a component's cost adds to. */
export type CostField =
  | 'total_fixed_cost'
  | 'total_energy_cost'
  | 'total_time_cost'
  | 'total_parking_cost'
  | 'total_reservation_cost';

export const COST_FIELDS: readonly CostField[] = [
  'total_fixed_cost',
  'total_energy_cost',
  'total_time_cost',
  'total_parking_cost',
  'total_reservation_cost',
];

export type TaxIncluded = 'YES' | 'NO' | 'N/A';

export interface CompiledComponent {
  /** Position among the Tariff's usable components (0, 1, …): an index for per-pricing arrays. */
  id: number;
  element: number;
  component: number;
  type: TariffDimensionType;
  raw: PriceComponent;
  /** The price as written (including or excluding taxes, per the Tariff's tax_included). */
  price: ExactDecimal;
  /** The VAT rate that applies; undefined when none is given or it cannot be used. */
  vat: ExactDecimal | undefined;
  /** The same rate as the JSON number, for the tax line's percentage. */
  vatPercent: number | undefined;
  /** step_size (Wh or seconds), 0 for none. */
  stepSize: number;
  field: CostField;
}

/** An element passed over, and the restriction that did not hold. */
export type Skip = Readonly<{ element: number; failed: RestrictionName | 'reservation' }>;

export type ElementKind = 'charging' | 'RESERVATION' | 'RESERVATION_EXPIRES' | 'booking';

export interface CompiledElement {
  index: number;
  kind: ElementKind;
  restrictions: CompiledRestrictions;
  /** Why it does not apply, per restriction that fails (frozen, shared by every segment). */
  skips: Map<RestrictionName | 'reservation', Skip>;
  /** Why it applies when no element was skipped before it: the same for every segment (frozen). */
  reason: Readonly<{ element: number; restrictions: readonly RestrictionName[] }>;
  /** The element's first usable component of each dimension. */
  byType: Partial<Record<TariffDimensionType, CompiledComponent>>;
}

export interface Candidate {
  element: CompiledElement;
  component: CompiledComponent;
}

/** Per dimension, the candidates in the order they are tried (undefined: none); every key present. */
export interface CandidateLists {
  FLAT: Candidate[] | undefined;
  ENERGY: Candidate[] | undefined;
  TIME: Candidate[] | undefined;
  PARKING_TIME: Candidate[] | undefined;
}

export interface PriceLimitValue {
  before: Money;
  /** undefined when not given, or unusable (below `before`). */
  after: Money | undefined;
}

export interface CompiledTariff {
  tariff: Tariff;
  id: string;
  currency: string;
  version: OcpiVersion;
  /** How prices relate to taxes: 2.1.1 and 2.2.1 prices are always excluding VAT (NO). */
  taxIncluded: TaxIncluded;
  /** Whether VAT rates are used at all (2.2.1 and 2.3.0; 2.1.1 has none). */
  taxes: boolean;
  validity: Validity;
  elements: CompiledElement[];
  /** Per context and dimension, the candidates in the order they are tried. */
  candidates: Record<PricingContext, CandidateLists>;
  usesLocal: boolean;
  /** Seconds of the local day at which some element's local-time restriction can change. */
  boundaries: number[];
  minPrice: PriceLimitValue | undefined;
  maxPrice: PriceLimitValue | undefined;
  /** The VAT rate all components state, when they all state one and the same. */
  soleVat: CompiledComponent | undefined;
  /** Whether any component states a usable VAT rate. */
  anyVat: boolean;
  /** Malformed parts of the Tariff. */
  notes: PricingNote[];
  /** How many usable components (ids 0 … n-1). */
  componentCount: number;
}

const DIMENSIONS: readonly TariffDimensionType[] = ['ENERGY', 'FLAT', 'PARKING_TIME', 'TIME'];
const RESERVATION_DIMENSIONS: readonly TariffDimensionType[] = ['FLAT', 'TIME'];

const memo = new WeakMap<Tariff, Map<OcpiVersion, CompiledTariff>>();

/** The Tariff compiled for pricing with `version`'s semantics (memoised). */
export function compileTariff(tariff: Tariff, version: OcpiVersion): CompiledTariff {
  let byVersion = memo.get(tariff);
  if (byVersion === undefined) {
    byVersion = new Map();
    memo.set(tariff, byVersion);
  }
  let compiled = byVersion.get(version);
  if (compiled === undefined) {
    compiled = compile(tariff, version);
    byVersion.set(version, compiled);
  }
  return compiled;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function compile(tariff: Tariff, version: OcpiVersion): CompiledTariff {
  const notes: PricingNote[] = [];
  const malformed = (pointer: string, message: string, extra: Partial<PricingNote> = {}, code?: NoteCode) =>
    notes.push(note(code ?? 'MALFORMED_TARIFF', message, { pointer, ...extra }));
  if (!isObject(tariff)) throw new TypeError('a Tariff must be an object');

  let taxIncluded: TaxIncluded = 'NO';
  if (version === '2.3.0') {
    const given = (tariff as { tax_included?: unknown }).tax_included;
    if (given === 'YES' || given === 'NO' || given === 'N/A') taxIncluded = given;
    else if (given === undefined) {
      malformed('/tax_included', 'tax_included is missing (required in 2.3.0): NO assumed, as in 2.2.1');
    } else malformed('/tax_included', `tax_included '${String(given)}' is not YES, NO or N/A: NO assumed`);
  }
  const taxes = version !== '2.1.1';

  const elements: CompiledElement[] = [];
  const rawElements: unknown = tariff.elements;
  if (!Array.isArray(rawElements) || rawElements.length === 0) {
    malformed('/elements', 'the Tariff has no elements: nothing can be priced');
  }
  const vats = new Map<string, CompiledComponent>();
  let componentCount = 0;
  let withoutVat = 0;
  (Array.isArray(rawElements) ? rawElements : []).forEach((raw: unknown, index) => {
    const at = `/elements/${index}`;
    if (!isObject(raw)) {
      malformed(at, 'a TariffElement must be an object', { element: index });
      return;
    }
    const restrictions = compileRestrictions(raw.restrictions as never);
    for (const problem of restrictions.problems) {
      malformed(`${at}/restrictions/${problem.field}`, problem.message, { element: index });
    }
    const reservation = isObject(raw.restrictions) ? raw.restrictions.reservation : undefined;
    // An unknown reservation type is a reservation element that never applies (never is set).
    const kind: ElementKind = restrictions.booking
      ? 'booking'
      : reservation === undefined
        ? 'charging'
        : (restrictions.reservation ?? 'RESERVATION');
    const element: CompiledElement = {
      index,
      kind,
      restrictions,
      reason: Object.freeze({ element: index, restrictions: restrictions.names }),
      skips: new Map(),
      byType: {},
    };
    const components: unknown = raw.price_components;
    if (!Array.isArray(components) || components.length === 0) {
      malformed(`${at}/price_components`, 'a TariffElement needs at least one PriceComponent', {
        element: index,
      });
    }
    (Array.isArray(components) ? components : []).forEach((c: unknown, ci) => {
      const cat = `${at}/price_components/${ci}`;
      const component = compileComponent(c, index, ci, kind, taxIncluded, taxes, (p, m) =>
        malformed(`${cat}${p}`, m, { element: index }),
      );
      if (component === undefined) return;
      if (element.byType[component.type] !== undefined) {
        malformed(cat, `a second ${component.type} component in one element: only the first applies`, {
          element: index,
        });
        return;
      }
      if (kind !== 'charging' && kind !== 'booking' && !RESERVATION_DIMENSIONS.includes(component.type)) {
        malformed(cat, `a reservation element can only price FLAT and TIME, not ${component.type}: ignored`, {
          element: index,
        });
        return;
      }
      component.id = componentCount++;
      element.byType[component.type] = component;
      if (component.vat !== undefined) vats.set(String(component.vatPercent), component);
      else withoutVat++;
    });
    // A FLAT beside only PARKING_TIME is a parking fee: the CDR counts it in total_parking_cost.
    const flat = element.byType.FLAT;
    if (
      flat !== undefined &&
      kind === 'charging' &&
      element.byType.PARKING_TIME !== undefined &&
      element.byType.ENERGY === undefined &&
      element.byType.TIME === undefined
    ) {
      flat.field = 'total_parking_cost';
    }
    elements.push(element);
  });

  const none = (): CandidateLists => ({
    FLAT: undefined,
    ENERGY: undefined,
    TIME: undefined,
    PARKING_TIME: undefined,
  });
  const candidates: CompiledTariff['candidates'] = {
    charging: none(),
    reservation: none(),
    reservation_expires: none(),
  };
  const add = (context: PricingContext, kinds: ElementKind[], types: readonly TariffDimensionType[]) => {
    for (const type of types) {
      const list: Candidate[] = [];
      for (const kind of kinds) {
        for (const element of elements) {
          const component = element.byType[type];
          if (element.kind === kind && component !== undefined) list.push({ element, component });
        }
      }
      if (list.length > 0) candidates[context][type] = list;
    }
  };
  add('charging', ['charging'], DIMENSIONS);
  add('reservation', ['RESERVATION'], RESERVATION_DIMENSIONS);
  add('reservation_expires', ['RESERVATION_EXPIRES', 'RESERVATION'], RESERVATION_DIMENSIONS);

  const boundaries = new Set<number>();
  for (const element of elements) {
    if (element.kind === 'booking') continue;
    for (const b of element.restrictions.boundaries) boundaries.add(b);
  }

  return {
    tariff,
    id: typeof tariff.id === 'string' ? tariff.id : '',
    currency: typeof tariff.currency === 'string' ? tariff.currency : '',
    version,
    taxIncluded,
    taxes,
    validity: tariffValidity(tariff),
    elements,
    candidates,
    usesLocal: boundaries.size > 0,
    boundaries: [...boundaries].sort((a, b) => a - b),
    minPrice: limit(tariff, 'min_price', version, malformed),
    maxPrice: limit(tariff, 'max_price', version, malformed),
    soleVat: vats.size === 1 && withoutVat === 0 ? [...vats.values()][0] : undefined,
    anyVat: vats.size > 0,
    notes: checkLimits(tariff, notes),
    componentCount,
  };
}

function compileComponent(
  raw: unknown,
  element: number,
  component: number,
  kind: ElementKind,
  taxIncluded: TaxIncluded,
  taxes: boolean,
  malformed: (pointer: string, message: string) => void,
): CompiledComponent | undefined {
  if (!isObject(raw)) {
    malformed('', 'a PriceComponent must be an object');
    return undefined;
  }
  const type = raw.type;
  if (type !== 'ENERGY' && type !== 'FLAT' && type !== 'PARKING_TIME' && type !== 'TIME') {
    malformed('/type', `'${String(type)}' is not a TariffDimensionType: the component is ignored`);
    return undefined;
  }
  if (typeof raw.price !== 'number' || !Number.isFinite(raw.price)) {
    malformed('/price', 'price is not a number: the component is ignored');
    return undefined;
  }
  if (raw.price < 0) malformed('/price', `price ${raw.price} is negative`);
  let vat: ExactDecimal | undefined;
  let vatPercent: number | undefined;
  if (taxes && raw.vat !== undefined) {
    if (typeof raw.vat !== 'number' || !Number.isFinite(raw.vat)) {
      malformed('/vat', 'vat is not a number: no VAT applied');
    } else if (raw.vat < 0) {
      malformed('/vat', `vat ${raw.vat} is negative: no VAT applied`);
    } else if (taxIncluded === 'N/A') {
      malformed('/vat', `vat ${raw.vat} on a Tariff with tax_included N/A (no taxes apply): ignored`);
    } else {
      vat = exactDecimal(raw.vat);
      vatPercent = raw.vat;
    }
  }
  let stepSize = 0;
  if (type !== 'FLAT') {
    const step = raw.step_size;
    if (typeof step !== 'number' || !Number.isFinite(step) || step < 0) {
      malformed('/step_size', 'step_size is not a number of 0 or more: no step applied');
    } else {
      if (!Number.isInteger(step))
        malformed('/step_size', `step_size ${step} is not a whole number: rounded`);
      stepSize = wholeStep(step);
    }
  }
  const field: CostField =
    kind === 'RESERVATION' || kind === 'RESERVATION_EXPIRES'
      ? 'total_reservation_cost'
      : type === 'ENERGY'
        ? 'total_energy_cost'
        : type === 'TIME'
          ? 'total_time_cost'
          : type === 'PARKING_TIME'
            ? 'total_parking_cost'
            : 'total_fixed_cost';
  return {
    id: -1,
    element,
    component,
    type,
    raw: raw as unknown as PriceComponent,
    price: exactDecimal(raw.price),
    vat,
    vatPercent,
    stepSize,
    field,
  };
}

/** min_price/max_price; 2.1.1 has none. */
function limit(
  tariff: Tariff,
  field: 'min_price' | 'max_price',
  version: OcpiVersion,
  malformed: (pointer: string, message: string) => void,
): PriceLimitValue | undefined {
  const raw: unknown = (tariff as Record<string, unknown>)[field];
  if (raw === undefined || version === '2.1.1') return undefined;
  if (!isObject(raw) || typeof raw.before_taxes !== 'number' || !Number.isFinite(raw.before_taxes)) {
    malformed(`/${field}`, `${field} has no before_taxes number: ignored`);
    return undefined;
  }
  const before = moneyOf(raw.before_taxes);
  let after: Money | undefined;
  if (raw.after_taxes !== undefined) {
    if (typeof raw.after_taxes !== 'number' || !Number.isFinite(raw.after_taxes)) {
      malformed(`/${field}/after_taxes`, 'after_taxes is not a number: ignored');
    } else if (raw.after_taxes < raw.before_taxes) {
      malformed(`/${field}/after_taxes`, 'after_taxes is below before_taxes: ignored');
    } else after = moneyOf(raw.after_taxes);
  }
  return { before, after };
}

function checkLimits(tariff: Tariff, notes: PricingNote[]): PricingNote[] {
  const min = tariff.min_price?.before_taxes;
  const max = tariff.max_price?.before_taxes;
  if (typeof min === 'number' && typeof max === 'number' && min > max) {
    notes.push(note('MALFORMED_TARIFF', 'min_price is above max_price', { pointer: '/min_price' }));
  }
  return notes;
}
