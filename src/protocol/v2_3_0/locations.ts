/** OCPI 2.3.0: locations (schemas to be written). */
export {};
