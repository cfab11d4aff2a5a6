/** OCPI 2.1.1: sessions (schemas to be written). */
export {};
