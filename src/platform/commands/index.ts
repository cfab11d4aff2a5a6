/** The Commands module: sending commands (eMSP), taking them (CPO), their results and outcomes. */
export * from './judge.js';
export * from './module.js';
export * from './outbox.js';
export * from './receiver.js';
export * from './sender.js';
export * from './service.js';
export * from './settings.js';
export * from './types.js';
