export * from './constants.js';
export * from './check-sd-jwt-vc.js';
export * from './issue-sd-jwt-vc.js';
export * from './verify-sd-jwt-vc.js';
