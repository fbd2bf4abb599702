/**
 * Where this service publishes a status list (GET /status/:id): the `uri` credentials carry, the
 * `sub` of the list's token, and the prefix the verifier reads its own lists by. One spelling, so
 * a token's `sub` always equals the `uri` its credentials name (Token Status List §8.3 step 4a).
 */
export const STATUS_LIST_PATH = '/status/';

export const ownStatusListPrefix = (publicUrl: string): string => `${publicUrl}${STATUS_LIST_PATH}`;

export const statusListUri = (publicUrl: string, listId: string): string => `${ownStatusListPrefix(publicUrl)}${listId}`;
