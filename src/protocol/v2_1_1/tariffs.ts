/** OCPI 2.1.1: tariffs (schemas to be written). */
export {};
