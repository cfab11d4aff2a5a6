/** OCPI 2.3.0: tariffs (schemas to be written). */
export {};
