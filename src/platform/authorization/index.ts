/** Token authorization, both sides: what the eMSP answers (emsp.ts), what the CPO decides (cpo.ts). */
export * from './cpo.js';
export * from './emsp.js';
export * from './types.js';
