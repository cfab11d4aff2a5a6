/** The charge point gateway: its interface, the simulator, the HTTP adapter and the node's handling of their events. */
export * from './events.js';
export * from './http.js';
export * from './simulator.js';
export * from './types.js';
