/** OCPI 2.2.1: locations (schemas to be written). */
export {};
