/** The OpenID4VCI / OpenID4VP Credential Format Identifier of ISO/IEC 18013-5 mdocs (OpenID4VCI §A.2). */
export const MSO_MDOC = 'mso_mdoc';

/** RFC 9053 §2.1: ECDSA w/ SHA-256, the COSE algorithm of our issuerAuth (P-256 document signers). */
export const COSE_ES256 = -7;

/** ISO/IEC 18013-5 §9.1.2.4: the MSO digests IssuerSignedItemBytes with SHA-256. */
export const MSO_DIGEST_ALGORITHM = 'SHA-256';

/** ISO/IEC 18013-5 §9.1.2.5: random salt of each IssuerSignedItem; at least 16 bytes, we use 32. */
export const ITEM_SALT_BYTES = 32;

/** ISO/IEC 18013-5 Annex B.1.4: extended key usage (mdlDS) of a document signer certificate. */
export const MDL_DS_EKU = '1.0.18013.5.1.2';
