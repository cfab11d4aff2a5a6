/** OCPI 2.2.1: charging_profiles (schemas to be written). */
export {};
