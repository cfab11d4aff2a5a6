/**
 * The typed OCPI client and the URL policy, usable without the server:
 *
 *   import { OcpiClient } from 'roamkit/client';
 *   const peer = new OcpiClient({ version: '2.2.1', token, urlPolicy: { dev: false } });
 *   const { data: versions } = await peer.getVersions('https://peer.example/ocpi/versions');
 */
export * from './client.js';
export * from './errors.js';
export * from './readers.js';
export * from './url-policy.js';
