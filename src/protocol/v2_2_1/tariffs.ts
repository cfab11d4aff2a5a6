/** OCPI 2.2.1: tariffs (schemas to be written). */
export {};
