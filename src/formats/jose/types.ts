/** Shared shapes for parsed JSON and compact JWS. */
import type { JWK } from 'jose';
import type { SigningAlg } from './signer.js';

export type JsonValue = null | boolean | number | string | JsonValue[] | JsonObject;
export interface JsonObject {
  [name: string]: JsonValue;
}

export const isJsonObject = (v: unknown): v is JsonObject => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Own-property write that cannot reach `Object.prototype`, even for the name `__proto__`. */
export const setOwn = (obj: JsonObject, name: string, value: JsonValue): void => {
  // `__proto__` is the only accessor on Object.prototype; every other name assigned to a plain
  // object becomes an own data property, and plain assignment is several times faster.
  if (name === '__proto__') Object.defineProperty(obj, name, { value, enumerable: true, writable: true, configurable: true });
  else obj[name] = value;
};

export const hasOwn = (obj: object, name: string): boolean => Object.prototype.hasOwnProperty.call(obj, name);

/** A compact JWS split and decoded, not yet verified. */
export interface ParsedJws {
  header: JsonObject;
  payload: JsonObject;
  /** ASCII bytes of `<header>.<payload>`, the JWS Signing Input (RFC 7515 §5.1). */
  signingInput: Uint8Array;
  signature: Uint8Array;
  /** The token exactly as received. */
  compact: string;
}

/** A verification key the caller trusts for this token, bound to exactly one algorithm. */
export interface ResolvedKey {
  jwk: JWK;
  alg: SigningAlg;
}

/** What a key resolver is told about a token: never `jwk`, `x5c`, `jku` or `x5u` from the header. */
export interface KeyLookup {
  kid: string | undefined;
  alg: SigningAlg;
}

export type KeyResolver = (lookup: KeyLookup) => ResolvedKey | undefined | Promise<ResolvedKey | undefined>;
