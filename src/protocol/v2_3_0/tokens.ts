/** OCPI 2.3.0: tokens (schemas to be written). */
export {};
