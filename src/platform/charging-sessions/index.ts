export * from './documents.js';
export * from './realtime.js';
export * from './service.js';
