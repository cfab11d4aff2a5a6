/** OCPI 2.3.0: versions (schemas to be written). */
export {};
