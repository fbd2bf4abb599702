import type { Store } from '../store/store.js';
import type { ApiClient } from '../store/repositories/clients-repo.js';
import type { CredentialRecord } from '../store/repositories/credentials-repo.js';
import type { Clock } from '../clock.js';
import { AppError, badRequest, conflict, forbidden, notFound, type ErrorCodeWith } from '../errors.js';
import { hasUnsafeCharacters } from '../verdict/unsafe-text.js';
import { FIELD_MESSAGES, ownFieldError } from '../verdict/field-messages.js';
import { STATUS_INVALID, STATUS_SUSPENDED, STATUS_VALID } from '../formats/status-list/status-list-status-types.js';

export type StatusAction = 'suspend' | 'reinstate' | 'revoke';

/** Which states each action starts from, where it ends, and the code when it does not apply. */
const TRANSITIONS: Record<StatusAction, { from: number[]; to: number; refused: (s: number) => [ErrorCodeWith<409>, string] }> = {
  suspend: {
    from: [STATUS_VALID],
    to: STATUS_SUSPENDED,
    refused: (s) =>
      s === STATUS_SUSPENDED
        ? ['credential_already_suspended', 'the credential is already suspended']
        : ['credential_revoked', 'the credential is revoked; revocation is final'],
  },
  reinstate: {
    from: [STATUS_SUSPENDED],
    to: STATUS_VALID,
    refused: (s) =>
      s === STATUS_VALID
        ? ['credential_not_suspended', 'only a suspended credential can be reinstated']
        : ['credential_revoked', 'the credential is revoked; revocation is final'],
  },
  // Revocation is final (Token Status List: INVALID is never undone here).
  revoke: {
    from: [STATUS_VALID, STATUS_SUSPENDED],
    to: STATUS_INVALID,
    refused: () => ['credential_already_revoked', 'the credential was already revoked'],
  },
};

export const STATUS_NAMES: Record<number, 'valid' | 'revoked' | 'suspended'> = { 0: 'valid', 1: 'revoked', 2: 'suspended' };

/**
 * Suspends, reinstates or revokes a credential. An issuer client changes only what it issued;
 * an admin may change any. The change, its list's version bump and the audit event (who, when,
 * which credential, the reason; never claim values) commit together.
 */
export async function changeCredentialStatus(
  deps: { store: Store; clock: Clock },
  client: ApiClient,
  id: string,
  action: StatusAction,
  reason: string,
): Promise<CredentialRecord> {
  const why = reason.normalize('NFC').trim();
  if (why.length === 0 || why.length > 500) throw badRequest('invalid_reason', 'give a reason of 1 to 500 characters');
  // The reason is shown to operators in the audit trail: the same rule as a purpose or a client's
  // name, so no text can reorder ("\u202E"), hide or break lines in what they read. What trim()
  // takes off the ends (a trailing newline) is not stored, so it is not refused either.
  if (hasUnsafeCharacters(why)) {
    const { en, ko } = FIELD_MESSAGES.unsafeTextOrSeparator;
    throw new AppError('invalid_reason', `reason ${en}`, {
      status: 400,
      details: { errors: [ownFieldError('/reason', 'unsafeTextOrSeparator')] },
      ko: `사유에는 ${ko}`,
    });
  }
  const cred = await deps.store.credentials.get(id);
  if (!cred || (client.role !== 'admin' && cred.client_id !== client.id)) {
    throw notFound('credential_not_found', `no credential ${id} issued by this client`);
  }
  if (client.role !== 'admin' && client.role !== 'issuer')
    throw forbidden('wrong_role', 'only issuer or admin clients change credential status');
  const t = TRANSITIONS[action];
  const at = deps.clock.now();
  // The status is judged where it is changed (the repository reads it in the same unit), not
  // from the read above, which a concurrent change may have overtaken.
  const outcome = await deps.store.credentials.changeStatus(id, t.from, t.to, (from) => ({
    at,
    actor: `client:${client.id}`,
    action: `credential.${action}`,
    subject: `credential:${id}`,
    detail: { reason: why, from: STATUS_NAMES[from], to: STATUS_NAMES[t.to] },
  }));
  if (!outcome) throw notFound('credential_not_found', `no credential ${id} issued by this client`);
  if (!outcome.changed) {
    const [code, message] = t.refused(outcome.status);
    throw conflict(code, message);
  }
  return (await deps.store.credentials.get(id)) as CredentialRecord;
}
