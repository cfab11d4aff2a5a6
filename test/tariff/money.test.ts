/**
 * Money is exact: decimals from JSON numbers as written, bigint arithmetic with explicit rounding,
 * and the check that keeps binary floating point away from money in src/tariff.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { priceSession } from '../../src/tariff/index.js';
import {
  divRound,
  exactDecimal,
  type Money,
  moneyOf,
  mulDivRoundExact,
  plus,
  toDecimalString,
  toNumber,
  unitsToNumber,
} from '../../src/tariff/money.js';
import { repoRoot } from '../helpers/paths.js';
import { session, tariff } from './helpers.js';

describe('exact decimals', () => {
  it('reads a JSON number as the decimal it writes', () => {
    assert.deepEqual(exactDecimal(0.605), { units: 605n, decimals: 3 });
    assert.deepEqual(exactDecimal(-2.5), { units: -25n, decimals: 1 });
    assert.deepEqual(exactDecimal(1e-7), { units: 1n, decimals: 7 });
    assert.deepEqual(exactDecimal(1.5e21), { units: 1_500_000_000_000_000_000_000n, decimals: 0 });
    assert.deepEqual(exactDecimal(20), { units: 20n, decimals: 0 });
    assert.throws(() => exactDecimal(Number.NaN), RangeError);
  });

  it('adds without binary noise: 0.1 + 0.2 is 0.3', () => {
    assert.notEqual(0.1 + 0.2, 0.3);
    assert.equal(toNumber(plus(moneyOf(0.1), moneyOf(0.2))), 0.3);
  });

  it('divRound: halves away from zero (HALF_UP) or to even (HALF_EVEN), negatives alike', () => {
    const cases: [bigint, bigint, bigint, bigint][] = [
      // n, d, HALF_UP, HALF_EVEN
      [5n, 2n, 3n, 2n],
      [7n, 2n, 4n, 4n],
      [-5n, 2n, -3n, -2n],
      [-7n, 2n, -4n, -4n],
      [10n, 3n, 3n, 3n],
      [-11n, 3n, -4n, -4n],
      [0n, 7n, 0n, 0n],
    ];
    for (const [n, d, up, even] of cases) {
      assert.equal(divRound(n, d, 'HALF_UP'), up, `${n}/${d}`);
      assert.equal(divRound(n, d, 'HALF_EVEN'), even, `${n}/${d}`);
    }
  });

  it('the exact fast path in doubles agrees with bigint division whenever it answers', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: -1e9, max: 1e9 }),
        fc.integer({ min: 0, max: 1e9 }),
        fc.integer({ min: 1, max: 4e9 }),
        fc.constantFrom('HALF_UP' as const, 'HALF_EVEN' as const),
        (a, b, d, rounding) => {
          const fast = mulDivRoundExact(a, b, d, rounding);
          const exact = divRound(BigInt(a) * BigInt(b), BigInt(d), rounding);
          if (fast !== undefined) assert.equal(BigInt(fast), exact);
          // Half-way products exercise the tie rule.
          const tie = mulDivRoundExact(2 * a + 1, d, 2 * d, rounding);
          if (tie !== undefined)
            assert.equal(BigInt(tie), divRound(BigInt(2 * a + 1) * BigInt(d), BigInt(2 * d), rounding));
        },
      ),
      { numRuns: 2000 },
    );
    assert.equal(mulDivRoundExact(2 ** 40, 2 ** 20, 3, 'HALF_UP'), undefined); // too large: bigints take over
  });

  it('to numbers only at the end, as the nearest number to the exact decimal', () => {
    fc.assert(
      fc.property(
        fc.bigInt({ min: -(10n ** 20n), max: 10n ** 20n }),
        fc.integer({ min: 0, max: 12 }),
        (units, d) => {
          assert.equal(unitsToNumber(units, d), Number(toDecimalString(units, d)));
        },
      ),
    );
    assert.equal(toDecimalString(-125n, 4), '-0.0125');
  });
});

describe('float traps in a pricing', () => {
  const n = (price: number) =>
    tariff([{ price_components: [{ type: 'ENERGY', price, step_size: 1 }] }], { tax_included: 'N/A' });
  const kwh = (v: number) => session('2026-11-25T10:00:00Z', [[0, { ENERGY: v, TIME: 1 }]], 60);

  it('€ 1.10 × 3 kWh is 3.30 (a float says 3.3000000000000003), € 0.07 × 100 kWh is 7 (7.000000000000001)', () => {
    assert.notEqual(1.1 * 3, 3.3);
    assert.equal(priceSession(n(1.1), kwh(3)).totals.before_taxes, 3.3);
    assert.notEqual(0.07 * 100, 7);
    assert.equal(priceSession(n(0.07), kwh(100)).totals.before_taxes, 7);
  });

  it('€ 2.675 × 1 kWh rounds half up to 2.68 in cents (a float says 2.67), 3 × 0.1 kWh × € 0.1 is 0.03', () => {
    assert.equal((2.675).toFixed(2), '2.67');
    const cents = { componentDecimals: 2, totalDecimals: 2 };
    assert.equal(priceSession(n(2.675), kwh(1), { policy: cents }).totals.before_taxes, 2.68);
    const three = session(
      '2026-11-25T10:00:00Z',
      [
        [0, { ENERGY: 0.1, TIME: 0.1 }],
        [6, { ENERGY: 0.1, TIME: 0.1 }],
        [12, { ENERGY: 0.1, TIME: 0.1 }],
      ],
      18,
    );
    assert.equal(priceSession(n(0.1), three).totals.before_taxes, 0.03);
  });
});

describe('large amounts', () => {
  it('stay exact past 2^53 units: € 123,456.789/kWh × 98,765.4321 kWh = 12,193,263,111.2635', () => {
    const t = tariff([{ price_components: [{ type: 'ENERGY', price: 123456.789, step_size: 0 }] }], {
      tax_included: 'N/A',
    });
    const p = priceSession(
      t,
      session(
        '2026-11-25T10:00:00Z',
        [
          [0, { ENERGY: 98765.4321, TIME: 0.5 }],
          [30, { ENERGY: 1.2345, TIME: 0.5 }],
        ],
        60,
      ),
    );
    assert.deepEqual(
      p.periods.map((x) => x.amount),
      [12193263111.2635, 152407.406],
    );
    assert.equal(p.totals.before_taxes, 12193415518.6695);
  });
});

describe('no binary floating point on money in src/tariff', () => {
  // The type: Money is a branded bigint. TypeScript rejects arithmetic that mixes it with a number,
  // and a plain bigint is not a Money either. (If these lines ever compiled, the build would fail on
  // the unused @ts-expect-error.)
  it('Money does not mix with numbers', () => {
    const m = moneyOf(1.5);
    // @ts-expect-error a Money times a number does not compile
    assert.throws(() => m * 1.1);
    // @ts-expect-error a number is not a Money
    const n: Money = 1.5;
    // @ts-expect-error a bigint is not a Money without going through money.ts
    const b: Money = 15n;
    assert.equal(typeof n, 'number');
    assert.equal(typeof b, 'bigint');
  });

  // The source: the modules that compute money hold no float machinery. Only money.ts may turn a
  // bigint into a number, in the functions listed here (each exact, see their comments). Time and
  // quantities (local-time, quantity, facts, restrictions) are not money and use numbers.
  const MONEY_MODULES = ['money.ts', 'tax.ts', 'limits.ts', 'cdr.ts', 'compile.ts', 'price.ts'];
  const BOUNDARY = ['exactDecimal', 'mulDivRoundExact', 'smallUnitsToNumber', 'exactNumber', 'unitsToNumber'];
  const FORBIDDEN: [RegExp, string][] = [
    [/\bMath\./, 'Math.*'],
    [/\bparseFloat\b|\bparseInt\b/, 'parseFloat/parseInt'],
    [/\.toFixed\(|\.toPrecision\(/, 'toFixed/toPrecision'],
    [/(?<![\w.])Number\(/, 'Number(…)'],
    [/(?<![\w.])\d+\.\d+|\b\d+e[+-]?\d+\b/, 'a fractional number literal'],
  ];

  /** The source without comments, string and template literals and regex literals. */
  function code(text: string): string {
    return text
      .replace(/\/\*[\s\S]*?\*\//g, '')
      .replace(/\/\/.*$/gm, '')
      .replace(/'(?:[^'\\\n]|\\.)*'|"(?:[^"\\\n]|\\.)*"|`(?:[^`\\]|\\.)*`/g, "''")
      .replace(/\/(?![*/])(?:[^/\\\n[]|\\.|\[(?:[^\]\\\n]|\\.)*\])+\/[dgimsuy]*/g, '/re/');
  }

  /** The source with the bodies of the boundary functions taken out. */
  function withoutBoundary(text: string): string {
    let out = text;
    for (const name of BOUNDARY) {
      const start = out.indexOf(`export function ${name}(`);
      if (start < 0) continue;
      const end = out.indexOf('\n}\n', start);
      out = out.slice(0, start) + out.slice(end + 3);
    }
    return out;
  }

  it('the money modules are checked, and every other module is named as not money', () => {
    const dir = join(repoRoot, 'src', 'tariff');
    const others = [
      'facts.ts',
      'index.ts',
      'local-time.ts',
      'notes.ts',
      'policy.ts',
      'quantity.ts',
      'restrictions.ts',
    ];
    assert.deepEqual(
      readdirSync(dir)
        .filter((f) => f.endsWith('.ts'))
        .sort(),
      [...MONEY_MODULES, ...others].sort(),
      'a new module in src/tariff must be listed as money or not',
    );
    for (const file of MONEY_MODULES) {
      const source = readFileSync(join(dir, file), 'utf8');
      const checked = code(file === 'money.ts' ? withoutBoundary(source) : source);
      for (const [pattern, what] of FORBIDDEN) {
        const hit = pattern.exec(checked);
        assert.equal(
          hit,
          null,
          `${file}: ${what} in money code: …${hit ? checked.slice(hit.index - 40, hit.index + 40) : ''}…`,
        );
      }
    }
  });

  it('the check catches what it is meant to', () => {
    const bad = [
      'const total = Math.round(amount * 100) / 100;',
      'const amount = Number(price) * quantity;',
      'const vat = amount * 0.21;',
      'const text = amount.toFixed(2);',
    ];
    for (const line of bad) {
      assert.ok(
        FORBIDDEN.some(([pattern]) => pattern.test(code(line))),
        line,
      );
    }
    assert.ok(!FORBIDDEN.some(([pattern]) => pattern.test(code("const x = '0.25'; // Math.round(1.5)"))));
  });
});
