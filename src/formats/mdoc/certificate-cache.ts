/**
 * Parsed certificates of mdoc x5chains, by DER: every presentation of the same issuer carries the
 * same DS (and intermediates), and parsing it (node:crypto plus the ASN.1 walk for key usage) and
 * checking its signature by its issuer cost more than the rest of a verification. Only what does
 * not depend on the clock or the trust list is kept: the parsed certificate, the outcome of its
 * usage check, and whether one certificate signed another. Bounded; emptied when full.
 */
import { createHash, X509Certificate } from 'node:crypto';

const MAX = 512;

interface Entry {
  cert: X509Certificate;
  /** The outcome of the usage check for a role ('ds' | 'ca'): undefined = passed, else the error thrown. */
  usage: Map<'ds' | 'ca', unknown>;
}

const certs = new Map<string, Entry>();
const signedBy = new Map<string, boolean>();

const keyOf = (der: Uint8Array): string => createHash('sha256').update(der).digest('base64');

function bounded<K, V>(m: Map<K, V>, k: K, v: V): V {
  if (m.size >= MAX) m.clear();
  m.set(k, v);
  return v;
}

/** The parsed certificate for a DER (throws as `new X509Certificate` does on a bad one; not cached). */
export function certificateFor(der: Uint8Array): X509Certificate {
  const k = keyOf(der);
  const hit = certs.get(k);
  if (hit) return hit.cert;
  return bounded(certs, k, { cert: new X509Certificate(der), usage: new Map() }).cert;
}

/** Runs `check` on the certificate once per role; a failure is remembered and thrown again each time. */
export function checkedUsage(cert: X509Certificate, role: 'ds' | 'ca', check: (c: X509Certificate) => void): void {
  const e = certs.get(keyOf(cert.raw));
  if (!e || e.cert !== cert) return check(cert);
  if (!e.usage.has(role)) {
    try {
      check(cert);
      e.usage.set(role, undefined);
    } catch (err) {
      e.usage.set(role, err);
    }
  }
  const err = e.usage.get(role);
  if (err !== undefined) throw err;
}

/** Whether `child` names `parent` as its issuer and carries its valid signature, computed once per pair. */
export function issuedByCached(child: X509Certificate, parent: X509Certificate): boolean {
  const k = `${keyOf(child.raw)} ${keyOf(parent.raw)}`;
  const hit = signedBy.get(k);
  if (hit !== undefined) return hit;
  return bounded(signedBy, k, child.checkIssued(parent) && child.verify(parent.publicKey));
}
