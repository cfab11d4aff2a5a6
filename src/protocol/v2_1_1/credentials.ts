/** OCPI 2.1.1: credentials (schemas to be written). */
export {};
