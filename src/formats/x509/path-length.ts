/**
 * RFC 5280 §4.2.1.9 / §6.1.4 (l)–(m): a CA's pathLenConstraint is the most non-self-issued CA
 * certificates that may follow it down to the leaf. Pure, over what each certificate states, so
 * the node checks (check-certificate-chain.ts) and the web wallet's reader (@peculiar/x509) walk
 * the path one way.
 */
export interface PathStep {
  /** The certificate's pathLenConstraint; undefined when it states none. */
  pathLength: number | undefined;
  /** Subject equal to issuer (a self-issued certificate is not counted below others). */
  selfIssued: boolean;
}

/**
 * The first breach in `path` (leaf first, the anchor last when it constrains too): the index of
 * the certificate whose constraint is broken, what it allows and what the path has under it;
 * undefined when every constraint is kept.
 */
export function pathLengthBreach(path: readonly PathStep[]): { index: number; max: number; below: number } | undefined {
  let below = 0; // non-self-issued CA certificates between path[i] and the leaf
  for (let i = 1; i < path.length; i++) {
    const max = path[i]!.pathLength;
    if (max !== undefined && below > max) return { index: i, max, below };
    if (!path[i]!.selfIssued) below++;
  }
  return undefined;
}
