import { hash } from 'node:crypto';

/** Handles and wait tokens are stored only as hashes (a database read gives neither away). */
export const engagementHash = (kind: 'handle' | 'wait', value: string): string =>
  hash('sha256', `engagement|${kind}|${value}`, 'base64url');
