/** The `file` column of a key held in a PKCS#11 module: `pkcs11:` and its CKA_ID in hex. */
export const PKCS11_REF_PREFIX = 'pkcs11:';

export const pkcs11Ref = (id: Uint8Array): string => `${PKCS11_REF_PREFIX}${Buffer.from(id).toString('hex')}`;

/** The CKA_ID of a stored reference, or undefined when it is not one of ours. */
export function parsePkcs11Ref(ref: string): Buffer | undefined {
  if (!ref.startsWith(PKCS11_REF_PREFIX)) return undefined;
  const hex = ref.slice(PKCS11_REF_PREFIX.length);
  return /^(?:[0-9a-f]{2}){1,64}$/.test(hex) ? Buffer.from(hex, 'hex') : undefined;
}
