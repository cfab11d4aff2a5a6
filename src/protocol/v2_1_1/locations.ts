/** OCPI 2.1.1: locations (schemas to be written). */
export {};
