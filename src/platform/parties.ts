/**
 * Finding a party by its codes. `country_code` and `party_id` are CiStrings in 2.2.1+ (compared
 * without case; 2.1.1 codes are upper case anyway), so every place that matches an owner against
 * our hosted parties or a peer's parties compares the same way, and keys use the spelling of the
 * list the party was found in.
 */

/** Two party codes are the same when they differ in case only. */
export const sameCode = (a: unknown, b: unknown): boolean =>
  typeof a === 'string' && typeof b === 'string' && a.toUpperCase() === b.toUpperCase();

/** The entry of `parties` (hosted parties, a peer's CredentialsRole objects) with these codes. */
export function findParty<P extends { country_code?: unknown; party_id?: unknown }>(
  parties: readonly P[],
  countryCode: unknown,
  partyId: unknown,
): P | undefined {
  return parties.find((p) => sameCode(p.country_code, countryCode) && sameCode(p.party_id, partyId));
}
