/** OCPI 2.3.0: sessions (schemas to be written). */
export {};
