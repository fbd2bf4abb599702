/** OpenID4VP claims path pointers (§7) and DCQL claim matching (§6.4.1): pure, shared by server and wallets. */
export * from './claim-path-pointer.js';
export * from './claim-path-name.js';
export * from './process-claim-path.js';
export * from './select-claims.js';
export * from './match-claims-query.js';
export * from './select-disclosures.js';
export * from './read-claims-query.js';
export * from './relative-claim-path.js';
