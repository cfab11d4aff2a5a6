/**
 * Money as exact decimals, and the only place where money meets a JS number.
 *
 * An amount is a `Money`: a bigint counting 10^-12 currency units, branded so that TypeScript
 * refuses any arithmetic that mixes it with a `number` (bigint and number never mix, and the brand
 * keeps a plain bigint out). Prices, VAT rates and price limits arrive as JSON numbers; they are
 * read as the decimal the JSON text wrote (`exactDecimal`: the shortest decimal that gives the same
 * number, which for any literal of up to 15 significant digits is the literal itself) and from then
 * on only bigints are multiplied, divided and rounded. Division happens once per result, with an
 * explicit rounding rule (`divRound`), so every amount is the correctly rounded value of an exact
 * rational. Amounts become numbers again only in `toNumber`, for the JSON of a CDR.
 *
 * test/tariff/money.test.ts scans src/tariff for floating-point arithmetic outside the modules
 * allowed to have it (quantities and clocks, never money).
 */

declare const brand: unique symbol;

/** An amount of money: an exact decimal with 12 decimals, as a count of 10^-12 units. */
export type Money = bigint & { readonly [brand]: 'Money' };

/** Decimals of the Money representation: the most any policy may round to. */
export const MONEY_DECIMALS = 12;

export type Rounding = 'HALF_UP' | 'HALF_EVEN';

/** A decimal as written: value = units × 10^-decimals (decimals ≥ 0). */
export interface ExactDecimal {
  readonly units: bigint;
  readonly decimals: number;
}

const POW10: bigint[] = [];
for (let i = 0, p = 1n; i <= 40; i++, p *= 10n) POW10.push(p);
/** 10^0 … 10^15 as numbers: exact doubles. */
const POW10_NUMBER = Array.from({ length: 16 }, (_, i) => 10 ** i);

/** 10^n as a bigint. */
export function pow10(n: number): bigint {
  return POW10[n] ?? 10n ** BigInt(n);
}

export const ZERO = 0n as Money;

/** n / d rounded to an integer (d > 0): HALF_UP rounds halves away from zero, HALF_EVEN to even. */
export function divRound(n: bigint, d: bigint, rounding: Rounding): bigint {
  const q = n / d; // truncates toward zero
  const r = n - q * d;
  if (r === 0n) return q;
  const twice = r < 0n ? -2n * r : 2n * r;
  const away = twice > d || (twice === d && (rounding === 'HALF_UP' || (q & 1n) !== 0n));
  return away ? (n < 0n ? q - 1n : q + 1n) : q;
}

const NUMBER_TEXT = /^(-?)(\d+)(?:\.(\d+))?(?:e([+-]?\d+))?$/;

/**
 * The decimal a JSON number wrote: from its shortest round-trip text (`String(n)`), exactly.
 * Throws a RangeError for NaN and infinities.
 */
export function exactDecimal(value: number): ExactDecimal {
  if (!Number.isFinite(value)) throw new RangeError(`not a finite number: ${value}`);
  const m = NUMBER_TEXT.exec(String(value));
  if (m === null) throw new RangeError(`cannot read ${value} as a decimal`);
  const [, sign, whole, fraction = '', exponent = '0'] = m;
  let units = BigInt(`${whole}${fraction}`);
  let decimals = fraction.length - Number(exponent);
  if (decimals < 0) {
    units *= pow10(-decimals);
    decimals = 0;
  }
  return { units: sign === '-' ? -units : units, decimals };
}

/** A decimal rounded to `decimals` places. */
export function roundDecimal(value: ExactDecimal, decimals: number, rounding: Rounding): ExactDecimal {
  if (value.decimals <= decimals) return value;
  return { units: divRound(value.units, pow10(value.decimals - decimals), rounding), decimals };
}

/** An integer count of 10^-decimals units as Money (decimals ≤ 12). */
export function moneyOfUnits(units: bigint, decimals: number): Money {
  return (units * pow10(MONEY_DECIMALS - decimals)) as Money;
}

/** A JSON number as Money (rounded to 12 decimals if it has more). */
export function moneyOf(value: number, rounding: Rounding = 'HALF_UP'): Money {
  const d = roundDecimal(exactDecimal(value), MONEY_DECIMALS, rounding);
  return moneyOfUnits(d.units, d.decimals);
}

/** Money as an integer count of 10^-decimals units, rounded. */
export function unitsOf(amount: Money, decimals: number, rounding: Rounding): bigint {
  return divRound(amount, pow10(MONEY_DECIMALS - decimals), rounding);
}

/** Money rounded to `decimals` places. */
export function roundMoney(amount: Money, decimals: number, rounding: Rounding): Money {
  return moneyOfUnits(unitsOf(amount, decimals, rounding), decimals);
}

export function plus(a: Money, b: Money): Money {
  return (a + b) as Money;
}

export function minus(a: Money, b: Money): Money {
  return (a - b) as Money;
}

export function sumMoney(amounts: Iterable<Money>): Money {
  let total = 0n;
  for (const a of amounts) total += a;
  return total as Money;
}

const SAFE = BigInt(Number.MAX_SAFE_INTEGER);
/** Below 2^52, products, floors of quotients and remainders of integers held in doubles are exact. */
const EXACT = 2 ** 52;

/**
 * a × b / d rounded to an integer, for integers a, b and d > 0 held in numbers, when that can be
 * done exactly in doubles (the hot path: one segment's amount); undefined when it cannot, and
 * the caller uses divRound on bigints. Exact because: a product below 2^52 is exact (a larger
 * true product rounds to at least 2^52 and is refused); for integers n < 2^52 and d, the
 * correctly rounded n / d lies at most half an ulp of (k + 1) from n/d, less than the 1/d that
 * separates n/d from the next integer k + 1 (d(k + 1) ≤ 2n < 2^53), so its floor is k; and
 * n − k·d is an exact integer below 2^52. test/tariff/money.test.ts checks it against divRound.
 */
export function mulDivRoundExact(a: number, b: number, d: number, rounding: Rounding): number | undefined {
  const n = a * b;
  if (!(n < EXACT && n > -EXACT && d > 0 && d < EXACT)) return undefined;
  const m = n < 0 ? -n : n;
  const q = Math.floor(m / d);
  const twice = 2 * (m - q * d);
  const k = twice > d || (twice === d && (rounding === 'HALF_UP' || q % 2 === 1)) ? q + 1 : q;
  return n < 0 ? -k : k;
}

/** An integer count of 10^-decimals units held in a number (below 2^53), as the number of that decimal. */
export function smallUnitsToNumber(units: number, decimals: number): number {
  return units / POW10_NUMBER[decimals]!;
}

/** A bigint that fits a double exactly, as a number; undefined when it does not. */
export function exactNumber(value: bigint): number | undefined {
  return value <= SAFE && value >= -SAFE ? Number(value) : undefined;
}

/**
 * A count of 10^-decimals units as the JSON number of that decimal. Within 2^53 the division of
 * two exactly represented integers is correctly rounded, so it gives the same number as parsing
 * the decimal text; beyond, the text is parsed.
 */
export function unitsToNumber(units: bigint, decimals: number): number {
  if (units <= SAFE && units >= -SAFE && decimals <= 15) return Number(units) / POW10_NUMBER[decimals]!;
  return Number(toDecimalString(units, decimals));
}

/** Money as the JSON number for a CDR (the nearest double to the exact decimal). */
export function toNumber(amount: Money): number {
  return unitsToNumber(amount, MONEY_DECIMALS);
}

/** A count of 10^-decimals units as decimal text with exactly `decimals` places ("-1.2500"). */
export function toDecimalString(units: bigint, decimals: number): string {
  const negative = units < 0n;
  const digits = (negative ? -units : units).toString().padStart(decimals + 1, '0');
  const whole = digits.slice(0, digits.length - decimals);
  const fraction = digits.slice(digits.length - decimals);
  return `${negative ? '-' : ''}${whole}${decimals > 0 ? `.${fraction}` : ''}`;
}

/** Money as decimal text with `decimals` places (rounded half up), for tables. */
export function formatMoney(amount: Money, decimals: number): string {
  return toDecimalString(unitsOf(amount, decimals, 'HALF_UP'), decimals);
}
