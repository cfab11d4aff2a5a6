/** OCPI 2.3.0: payments (schemas to be written). */
export {};
