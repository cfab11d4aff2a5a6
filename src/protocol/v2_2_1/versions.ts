/** OCPI 2.2.1: versions (schemas to be written). */
export {};
