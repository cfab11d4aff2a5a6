/** OCPI 2.3.0: types (schemas to be written). */
export {};
