/** OCPI 2.3.0: commands (schemas to be written). */
export {};
