/** OCPI 2.1.1: commands (schemas to be written). */
export {};
