/**
 * One place for every error the service can answer with: the catalogue of codes
 * (src/errors/catalogue.ts) and the error classes and helpers that accept only those codes
 * (src/errors/app-error.ts). Modules import from here.
 */
export * from './errors/app-error.js';
export * from './errors/catalogue.js';
