/** The spec's Token examples of every version, as canonical Tokens, for the authorization tests. */
import { toCanonical } from '../../../src/model/index.js';
import type { Token } from '../../../src/platform/authorization/index.js';
import { readExample } from '../../helpers/fixtures.js';

/** The eMSP of the 2.1.1 examples (they are pushed to /tokens/NL/TNM/…). */
const NL_TNM = { country_code: 'NL', party_id: 'TNM' };

export interface SpecToken {
  file: string;
  token: Token;
}

/** A complete Token example, converted to canonical (2.1.1: owner from the push URL). */
export function specToken(file: string): Token {
  const raw = readExample(file);
  if (file.startsWith('2.3.0/')) return structuredClone(raw) as Token;
  const version = file.startsWith('2.1.1/') ? '2.1.1' : '2.2.1';
  return toCanonical('Token', version, raw, { party: NL_TNM }).value as Token;
}

/** Every complete Token example (the PATCH examples are fragments: see `invalidated`). */
export const SPEC_TOKEN_FILES = [
  '2.1.1/mod_tokens_01.json.txt',
  '2.1.1/mod_tokens_03.json.txt',
  '2.2.1/token_example_1_app_user.json',
  '2.2.1/token_example_2_full_rfid.json',
  '2.2.1/token_put_example.json',
  '2.3.0/token_example_1_app_user.json',
  '2.3.0/token_example_2_full_rfid.json',
  '2.3.0/token_put_example.json',
] as const;

export function specTokens(): SpecToken[] {
  return SPEC_TOKEN_FILES.map((file) => ({ file, token: specToken(file) }));
}

/** The PUT example after the chapter's PATCH example (the eMSP invalidates it), as a CPO caches it. */
export function invalidated(version: '2.1.1' | '2.2.1' | '2.3.0'): Token {
  if (version === '2.1.1') {
    const patch = readExample('2.1.1/mod_tokens_02.json.txt') as Partial<Token>;
    return { ...specToken('2.1.1/mod_tokens_01.json.txt'), ...patch };
  }
  const patch = readExample(`${version}/token_patch_example.json`) as Partial<Token>;
  return { ...specToken(`${version}/token_put_example.json`), ...patch };
}
