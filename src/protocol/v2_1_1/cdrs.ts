/** OCPI 2.1.1: cdrs (schemas to be written). */
export {};
