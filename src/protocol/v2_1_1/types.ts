/** OCPI 2.1.1: types (schemas to be written). */
export {};
