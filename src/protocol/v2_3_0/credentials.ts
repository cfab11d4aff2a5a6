/** OCPI 2.3.0: credentials (schemas to be written). */
export {};
