/** The node's behaviour: configuration, the platform object, the credentials handshake, peers. */
export * from './config.js';
export * from './credentials.js';
export * from './delivery/publisher.js';
export * from './delivery/worker.js';
export * from './locations.js';
export * from './modules.js';
export * from './peers.js';
export * from './platform.js';
export * from './seed/index.js';
export * from './sync.js';
export * from './tariffs.js';
export * from './urls.js';
export * from './versions.js';
