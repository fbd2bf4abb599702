/**
 * Every completed verification leaves a receipt: verifier, purpose, credential type, the NAMES
 * of the disclosed claims (never their values), time and verdict. The verifier gets it as a JWT
 * signed by this service (`typ: dproof-receipt+jwt`) to keep as proof; the holder lists the
 * same receipts through /v1/wallet/history (linked by the holder key thumbprint).
 */
import { randomUUID } from 'node:crypto';
import type { Clock } from '../clock.js';
import type { Config } from '../config.js';
import type { KeyRing } from '../keys/key-ring.js';
import type { Store } from '../store/store.js';
import type { ApiClient } from '../store/repositories/clients-repo.js';
import type { ReceiptRecord } from '../store/repositories/receipts-repo.js';
import { signCompactJws } from '../formats/jose/sign-compact-jws.js';
import type { JsonObject } from '../formats/jose/types.js';
import type { LocalizedText } from '../catalog/types.js';
import type { Catalog } from '../catalog/types.js';
import type { VerificationReport } from '../verification/verification-types.js';
import { storedPurpose } from './stored-purpose.js';

export const RECEIPT_TYP = 'dproof-receipt+jwt';

export interface ReceiptDeps {
  config: Config;
  store: Store;
  keys: KeyRing;
  clock: Clock;
  catalog: Catalog;
}

export interface ReceiptInput {
  channel: 'openid4vp' | 'counter';
  requestId?: string;
  purpose?: LocalizedText | null;
  report: VerificationReport;
}

/**
 * The catalogue id when this service issued the credential, else the vct / VC type as presented:
 * a catalogue name is never given to another issuer's credential (issuer-type-authority.ts).
 */
export function credentialTypeName(catalog: Catalog, ownIssuer: string, report: VerificationReport): string | null {
  const t = report.credential?.type ?? null;
  if (t === null) return null;
  if (report.credential?.issuer !== ownIssuer) return t;
  return catalog.getByVct(t)?.id ?? t;
}

/** Stores a receipt and signs it (the counter's verdicts; an OpenID4VP answer stores its receipts with its result). */
export async function recordReceipt(
  deps: ReceiptDeps,
  client: ApiClient,
  input: ReceiptInput,
): Promise<{ record: ReceiptRecord; jwt: string }> {
  const receipt = await buildReceipt(deps, client, input);
  await deps.store.receipts.insert(receipt.record);
  return receipt;
}

/** A receipt and its signed JWT, not stored yet. */
export async function buildReceipt(
  deps: ReceiptDeps,
  client: ApiClient,
  input: ReceiptInput,
): Promise<{ record: ReceiptRecord; jwt: string }> {
  const record: ReceiptRecord = {
    id: randomUUID(),
    client_id: client.id,
    verifier_name: client.name,
    request_id: input.requestId ?? null,
    channel: input.channel,
    purpose: storedPurpose(input.purpose),
    credential_type: credentialTypeName(deps.catalog, deps.config.publicUrl, input.report),
    issuer: input.report.credential?.issuer ?? null,
    claim_names: JSON.stringify(input.report.claimNames),
    verdict: input.report.verdict,
    code: input.report.code,
    holder_jkt: input.report.holderJkt ?? null,
    at: deps.clock.now(),
  };
  return { record, jwt: await signReceipt(deps, record) };
}

export function viewReceipt(r: ReceiptRecord): JsonObject {
  return {
    id: r.id,
    at: new Date(r.at).toISOString(),
    verifier: { client_id: r.client_id, name: r.verifier_name },
    channel: r.channel,
    request_id: r.request_id,
    purpose: r.purpose === null ? null : (JSON.parse(r.purpose) as JsonObject),
    credential_type: r.credential_type,
    issuer: r.issuer,
    claims: JSON.parse(r.claim_names) as string[],
    verdict: r.verdict,
    code: r.code,
  };
}

async function signReceipt(deps: ReceiptDeps, r: ReceiptRecord): Promise<string> {
  const { id, ...rest } = viewReceipt(r);
  return signCompactJws(
    { typ: RECEIPT_TYP },
    { iss: deps.config.publicUrl, sub: id as string, aud: r.client_id, iat: Math.floor(r.at / 1000), ...rest },
    deps.keys.signer(deps.config.keyAlg),
  );
}
