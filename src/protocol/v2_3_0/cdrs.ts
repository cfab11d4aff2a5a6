/** OCPI 2.3.0: cdrs (schemas to be written). */
export {};
