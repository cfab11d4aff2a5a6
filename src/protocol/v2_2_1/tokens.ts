/** OCPI 2.2.1: tokens (schemas to be written). */
export {};
