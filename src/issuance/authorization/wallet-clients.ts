/**
 * Wallets registered with this authorization server (WALLET_CLIENTS): a public client's
 * redirect_uri must be registered (RFC 6749 §3.1.2.2), or else the authorization code of a
 * citizen lured to a link an attacker made goes to the attacker's redirect_uri. One JSON file,
 * read at start:
 *
 *   { "clients": [ { "client_id": "kr.go.wallet", "redirect_uris": [ "https://wallet.example/cb", "kr.go.wallet:/cb" ] } ] }
 *
 * A registered client's redirect_uri must equal one of its own, character for character (RFC
 * 6749 §3.1.2.3, as OAuth 2.1 asks: no prefix or pattern matching; the port of an http loopback
 * IP aside, RFC 8252 §7.3). A client that is not
 * registered but authenticates with a wallet attestation may use any redirect_uri of a valid
 * shape (RFC 9126 §2.4). par-client-attestation.ts applies both.
 */
import { readFileSync } from 'node:fs';
import { isJsonObject } from '../../formats/jose/types.js';
import { redirectUriFault } from './redirect-uri.js';

/** client_id → its registered redirect URIs. */
export type WalletClients = ReadonlyMap<string, readonly string[]>;

export const NO_WALLET_CLIENTS: WalletClients = new Map();

export class WalletClientsError extends Error {}

/** Parses the file's JSON text; throws WalletClientsError naming what is wrong. */
export function parseWalletClients(text: string): WalletClients {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    throw new WalletClientsError('is not JSON');
  }
  if (!isJsonObject(doc) || !Array.isArray(doc.clients)) throw new WalletClientsError('must be { "clients": [ … ] }');
  const clients = new Map<string, readonly string[]>();
  doc.clients.forEach((c, i) => {
    if (!isJsonObject(c) || typeof c.client_id !== 'string' || c.client_id === '' || c.client_id.length > 255)
      throw new WalletClientsError(`clients[${i}] needs a client_id of 1 to 255 characters`);
    const id = c.client_id;
    if (clients.has(id)) throw new WalletClientsError(`clients[${i}]: client_id "${id}" is listed twice`);
    const uris = c.redirect_uris;
    if (!Array.isArray(uris) || uris.length === 0)
      throw new WalletClientsError(`clients[${i}] (${id}) needs redirect_uris, a list of one or more URIs`);
    uris.forEach((uri, j) => {
      if (typeof uri !== 'string') throw new WalletClientsError(`clients[${i}].redirect_uris[${j}] is not a string`);
      const fault = redirectUriFault(uri, true);
      if (fault) throw new WalletClientsError(`clients[${i}].redirect_uris[${j}]: ${fault.en}`);
    });
    clients.set(id, uris as string[]);
  });
  return clients;
}

export function loadWalletClients(path: string | undefined): WalletClients {
  if (path === undefined) return NO_WALLET_CLIENTS;
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new WalletClientsError(`cannot read ${path}: ${(e as NodeJS.ErrnoException).code ?? String(e)}`);
  }
  return parseWalletClients(text);
}
