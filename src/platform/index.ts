/** The node's behaviour: configuration, the platform object, the credentials handshake, peers. */
export * from './config.js';
export * from './credentials.js';
export * from './modules.js';
export * from './peers.js';
export * from './platform.js';
export * from './urls.js';
export * from './versions.js';
