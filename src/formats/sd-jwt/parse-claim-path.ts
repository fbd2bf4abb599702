/**
 * What an issuer makes selectively disclosable, as dotted claim names without indexes (an issuer
 * treats every element of an array alike):
 *   `address`, `address.street_address`, `nationalities[]`, `driving_privileges[].vehicle_category_code`
 * `''` is the root object (only meaningful for `padTo`). The names are parsed by the shared
 * claim-path module; the holder side selects with pointers (present-sd-jwt.ts).
 */
import { parseClaimPathName } from '../claim-path/claim-path-name.js';
import { formatError } from '../error-codes.js';

/** A member name, or `null` for "every element of the array". */
export type PathSelector = (string | null)[];

export interface PathNode {
  /** This exact claim was named by a path. */
  selected: boolean;
  members: Map<string, PathNode>;
  elements: PathNode | undefined;
}

export function parseClaimPath(path: string): PathSelector {
  if (typeof path !== 'string') throw formatError('sd_jwt_invalid_path', 'claim path is not a string');
  if (path === '') return [];
  const pointer = parseClaimPathName(path);
  if (!pointer || pointer.some((c) => typeof c === 'number'))
    throw formatError('sd_jwt_invalid_path', `bad claim path ${JSON.stringify(path)}`);
  return pointer as PathSelector;
}

const newNode = (): PathNode => ({ selected: false, members: new Map(), elements: undefined });

/** Merges paths into one tree, so a walk over the claims visits each selected claim once. */
export function buildPathTree(paths: readonly string[]): PathNode {
  const root = newNode();
  for (const path of paths) {
    const selector = parseClaimPath(path);
    if (selector.length === 0) throw formatError('sd_jwt_invalid_path', 'the root object cannot be selected');
    let node = root;
    for (const seg of selector) {
      if (seg === null) {
        node = node.elements ??= newNode();
      } else {
        let next = node.members.get(seg);
        if (!next) node.members.set(seg, (next = newNode()));
        node = next;
      }
    }
    node.selected = true;
  }
  return root;
}

export const memberPath = (parent: string, name: string): string => (parent === '' ? name : `${parent}.${name}`);
export const elementPath = (parent: string): string => `${parent}[]`;
