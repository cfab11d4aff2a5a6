/** The Charging Profiles module (smart charging, 2.2.1 and 2.3.0): requests, results, active profile pushes. */
export * from './module.js';
export * from './posts.js';
export * from './receiver.js';
export * from './sender.js';
export * from './service.js';
export * from './settings.js';
export * from './types.js';
