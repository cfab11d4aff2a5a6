/** OCPI 2.2.1: hub_client_info (schemas to be written). */
export {};
