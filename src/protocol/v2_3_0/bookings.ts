/** OCPI 2.3.0: bookings (schemas to be written). */
export {};
