export { signerUnavailable } from '../key-backend.js';

/** A key the store names but the module cannot use: stops the server at start, naming the key. */
export class Pkcs11KeyError extends Error {
  /** `kid` undefined: `message` already names the key (an error passed on from the module thread). */
  constructor(kid: string | undefined, message: string) {
    super(kid === undefined ? message : `key ${kid}: ${message}`);
    this.name = 'Pkcs11KeyError';
  }
}

/**
 * Return values (PKCS#11 v2.40 §5.1) that mean the module, token or session went away rather
 * than that our request was wrong: the connection is rebuilt and the call tried once more, and
 * while that fails, callers get 503 `signer_unavailable`. pkcs11js puts the CKR_ name in `message`.
 */
const MODULE_FAULTS = new Set([
  'CKR_GENERAL_ERROR', 'CKR_FUNCTION_FAILED', 'CKR_DEVICE_ERROR', 'CKR_DEVICE_MEMORY', 'CKR_DEVICE_REMOVED',
  'CKR_TOKEN_NOT_PRESENT', 'CKR_TOKEN_NOT_RECOGNIZED', 'CKR_SLOT_ID_INVALID', 'CKR_SESSION_CLOSED',
  'CKR_SESSION_HANDLE_INVALID', 'CKR_SESSION_COUNT', 'CKR_CRYPTOKI_NOT_INITIALIZED', 'CKR_USER_NOT_LOGGED_IN',
  'CKR_OBJECT_HANDLE_INVALID', 'CKR_KEY_HANDLE_INVALID', 'CKR_OPERATION_ACTIVE',
]);

/** The CKR_ name of a pkcs11js error, or undefined for anything else. */
export function ckrName(e: unknown): string | undefined {
  const m = e instanceof Error ? /^CKR_[A-Z_]+/.exec(e.message) : null;
  return m?.[0];
}

export const isModuleFault = (e: unknown): boolean => e instanceof Pkcs11TimeoutError || MODULE_FAULTS.has(ckrName(e) ?? '');

export class Pkcs11TimeoutError extends Error {
  constructor(what: string, ms: number) {
    super(`PKCS#11 ${what} did not answer within ${ms} ms`);
    this.name = 'Pkcs11TimeoutError';
  }
}

/**
 * A start-up failure with a message an operator can act on (names the variable), never the PIN.
 * server.ts prints the message and exits without a stack trace.
 */
export class Pkcs11StartError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'Pkcs11StartError';
  }
}
