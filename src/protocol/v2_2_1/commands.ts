/** OCPI 2.2.1: commands (schemas to be written). */
export {};
