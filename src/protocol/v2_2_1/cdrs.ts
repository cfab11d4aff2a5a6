/** OCPI 2.2.1: cdrs (schemas to be written). */
export {};
