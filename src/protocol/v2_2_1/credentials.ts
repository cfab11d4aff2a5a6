/** OCPI 2.2.1: credentials (schemas to be written). */
export {};
