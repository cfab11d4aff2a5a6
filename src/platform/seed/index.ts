/**
 * Realistic demo and load-test data for one CPO party: Locations across European cities and the
 * party's Tariffs, as canonical (2.3.0) documents. Pure and deterministic: the same options give
 * the same documents (own PRNG, times relative to `now`). Location `i` depends only on the seed
 * and `i`, so a smaller run is a prefix of a larger one.
 */
import { formatDateTime, type v2_3_0 } from '../../protocol/index.js';
import { generateLocation, locationId } from './locations.js';
import { deriveSeed, hashSeed, Random } from './random.js';
import { generateTariffs, TARIFF_KINDS } from './tariffs.js';

export { CITIES, COUNTRIES } from './places.js';
export { moneyOf, TARIFF_KINDS, type TariffKind } from './tariffs.js';
export { locationId };

export interface SeedOptions {
  /** How many Locations (0 or more). */
  locations: number;
  /** Any string or number; the same seed gives the same data. */
  seed: string | number;
  /** The CPO party owning everything generated. */
  party: { country_code: string; party_id: string };
  /** The moment the data is generated at: every last_updated lies in the 30 days before it. */
  now: Date;
  /** How many Tariffs (1 to 6). Default: 1 to 5, chosen by the seed. */
  tariffs?: number;
  /** The operator named on every Location. Default: `{name: '<party_id> Charging'}`. */
  operator?: v2_3_0.locations.BusinessDetails;
}

export interface SeedData {
  locations: v2_3_0.locations.Location[];
  tariffs: v2_3_0.tariffs.Tariff[];
}

/** Everything last changed within this window before `now`. */
const WINDOW_MS = 30 * 24 * 3600 * 1000;

export function generateSeed(options: SeedOptions): SeedData {
  const count = options.locations;
  if (!Number.isInteger(count) || count < 0) {
    throw new RangeError(`locations must be a whole number of 0 or more, not ${count}`);
  }
  if (options.tariffs !== undefined && !(Number.isInteger(options.tariffs) && options.tariffs >= 1)) {
    throw new RangeError(`tariffs must be 1 to ${TARIFF_KINDS.length}, not ${options.tariffs}`);
  }
  const nowMs = options.now.getTime();
  if (!Number.isFinite(nowMs)) throw new RangeError('now must be a valid date');
  const party = {
    country_code: options.party.country_code.toUpperCase(),
    party_id: options.party.party_id.toUpperCase(),
  };
  // Whole seconds: what formatDateTime writes, so documents and stored dates agree exactly.
  const endMs = Math.floor(nowMs / 1000) * 1000;
  const lastUpdatedMs = (rng: Random) => endMs - Math.floor(rng.next() * (WINDOW_MS / 1000)) * 1000;

  const base = hashSeed(options.seed);
  // Stream 0 is the party's (tariffs); Location i uses stream i + 1.
  const partyRng = new Random(deriveSeed(base, 0));
  const tariffCount = options.tariffs ?? partyRng.int(1, 5);
  const tariffs = generateTariffs(partyRng, tariffCount, {
    party,
    lastUpdated: (rng) => formatDateTime(lastUpdatedMs(rng)),
  });
  const operator = options.operator ?? { name: `${party.party_id} Charging` };

  const locations = new Array<v2_3_0.locations.Location>(count);
  for (let i = 0; i < count; i++) {
    locations[i] = generateLocation(i, new Random(deriveSeed(base, i + 1)), {
      party,
      operator,
      tariffs,
      lastUpdatedMs,
    });
  }
  return { locations, tariffs: tariffs.map((t) => t.tariff) };
}
