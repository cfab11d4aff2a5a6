/** OCPI 2.1.1: tokens (schemas to be written). */
export {};
