/** OCPI 2.2.1: sessions (schemas to be written). */
export {};
