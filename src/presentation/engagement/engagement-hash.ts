import { createHash } from 'node:crypto';

/** Handles and wait tokens are stored only as hashes (a database read gives neither away). */
export const engagementHash = (kind: 'handle' | 'wait', value: string): string =>
  createHash('sha256').update(`engagement|${kind}|${value}`, 'utf8').digest('base64url');
