/**
 * Status Type values of the IETF Token Status List (draft-ietf-oauth-status-list §7.1, registry
 * in §14.5). A list with `bits: 2` can carry VALID, INVALID and SUSPENDED; `bits: 1` only the
 * first two.
 *
 * Privacy (§12.8): every status other than VALID / INVALID tells a relying party (and anyone who
 * fetches the public list) something more about the holder. SUSPENDED is offered because our
 * issuers need it; prefer revoke-and-reissue where a suspension would leak information.
 */

/** 0x00: the referenced token is valid, correct or legal. */
export const STATUS_VALID = 0x00;
/** 0x01: revoked, annulled, taken back, recalled or cancelled. */
export const STATUS_INVALID = 0x01;
/** 0x02: temporarily invalid, hanging, debarred from privilege. */
export const STATUS_SUSPENDED = 0x02;

export type StatusName = 'VALID' | 'INVALID' | 'SUSPENDED' | 'APPLICATION_SPECIFIC' | 'RESERVED';

/**
 * Names a status value. 0x03 and 0x0C-0x0F are permanently reserved as application specific
 * (§7.1); every other value outside 0x00-0x02 is reserved for future registration.
 */
export const statusName = (value: number): StatusName => {
  switch (value) {
    case STATUS_VALID:
      return 'VALID';
    case STATUS_INVALID:
      return 'INVALID';
    case STATUS_SUSPENDED:
      return 'SUSPENDED';
    default:
      return value === 0x03 || (value >= 0x0c && value <= 0x0f) ? 'APPLICATION_SPECIFIC' : 'RESERVED';
  }
};
