export * from './craft.js';
export type { SecurityCase } from './run-cases.js';
export type { SecurityFixture } from './fixture.js';
