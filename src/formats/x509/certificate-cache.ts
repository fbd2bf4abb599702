/**
 * Parsed certificates of presented chains, by DER: every presentation of the same issuer carries
 * the same leaf (and intermediates), in an mdoc's x5chain (mdoc/verify-issuer-certificate.ts) as
 * in an SD-JWT VC's x5c (verify-jws-x5c.ts), and parsing it (node:crypto plus the ASN.1 walks for
 * key usage and subjectAltName) and checking its signature by its issuer cost more than the rest
 * of a verification. Only what does not depend on the clock, the trust list or the token is kept:
 * the parsed certificate, what is read from it (a usage check's outcome, its extensions, its key),
 * and whether one certificate signed another. Bounded; emptied when full (what was read from a
 * certificate goes with the certificate object).
 */
import { X509Certificate, hash } from 'node:crypto';

const MAX = 512;

type Outcome = { ok: true; value: unknown } | { ok: false; error: unknown };

const certs = new Map<string, X509Certificate>();
/**
 * What was read from a certificate object, by name: the value, or the error the reading threw.
 * By object, so a certificate parsed once elsewhere (a configured trust anchor) is read once too,
 * and a read costs no hash of its DER.
 */
const readings = new WeakMap<X509Certificate, Map<string, Outcome>>();
const signedBy = new Map<string, boolean>();

const keyOf = (der: Uint8Array): string => hash('sha256', der, 'base64');

function bounded<K, V>(m: Map<K, V>, k: K, v: V): V {
  if (m.size >= MAX) m.clear();
  m.set(k, v);
  return v;
}

/** The parsed certificate for a DER (throws as `new X509Certificate` does on a bad one; not cached). */
export function certificateFor(der: Uint8Array): X509Certificate {
  const k = keyOf(der);
  return certs.get(k) ?? bounded(certs, k, new X509Certificate(der));
}

/**
 * `read(cert)`, computed once per certificate object and `name` (a certificate does not change);
 * a throw is remembered and thrown again each time.
 */
export function readOnce<T>(cert: X509Certificate, name: string, read: (c: X509Certificate) => T): T {
  let byName = readings.get(cert);
  if (!byName) readings.set(cert, (byName = new Map()));
  let outcome = byName.get(name);
  if (!outcome) {
    try {
      outcome = { ok: true, value: read(cert) };
    } catch (error) {
      outcome = { ok: false, error };
    }
    byName.set(name, outcome);
  }
  if (!outcome.ok) throw outcome.error;
  return outcome.value as T;
}

/** Runs `check` on the certificate once per role; a failure is remembered and thrown again each time. */
export function checkedUsage(cert: X509Certificate, role: string, check: (c: X509Certificate) => void): void {
  readOnce(cert, `usage ${role}`, check);
}

/** Whether `child` names `parent` as its issuer and carries its valid signature, computed once per pair. */
export function issuedByCached(child: X509Certificate, parent: X509Certificate): boolean {
  const k = `${keyOf(child.raw)} ${keyOf(parent.raw)}`;
  const hit = signedBy.get(k);
  if (hit !== undefined) return hit;
  return bounded(signedBy, k, child.checkIssued(parent) && child.verify(parent.publicKey));
}
