/** OCPI 2.1.1: versions (schemas to be written). */
export {};
