/** OCPI 2.3.0: charging_profiles (schemas to be written). */
export {};
