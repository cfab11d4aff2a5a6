/** OCPI 2.3.0: hub_client_info (schemas to be written). */
export {};
