/** The signer contract lives beside the JOSE code that uses it (formats stay free of src/keys). */
export type { Signer, SigningAlg } from '../formats/jose/signer.js';
