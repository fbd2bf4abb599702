/**
 * The browser wallet's storage: IndexedDB, one store of keys and one of credentials. Keys are
 * WebCrypto CryptoKey objects created non-extractable: IndexedDB keeps the object, the page can
 * sign with it, and no script (ours included) can ever read the private key out.
 *
 * A failure is said in the page's language (the browser's DOMException is English, which a Korean
 * page would hide behind its general sentence); the English page keeps the browser's own words.
 */
import { t } from '../shared/i18n.js';

const DB = 'dproof-wallet';
const VERSION = 1;

export interface StoredKey {
  /** RFC 7638 thumbprint of the public key. */
  kid: string;
  privateKey: CryptoKey;
  publicJwk: JsonWebKey;
  created_at: string;
}

export interface StoredCredential {
  id: string;
  /** dc+sd-jwt as issued (`<JWT>~<Disclosures>~`). */
  credential: string;
  format: string;
  issuer: string;
  vct: string;
  configuration_id: string;
  key: string;
  received_at: string;
  expires_at: string | null;
}

function open(): Promise<IDBDatabase> {
  return new Promise((resolve, reject) => {
    const cannotOpen = (err: unknown) =>
      reject(
        new Error(
          t(
            '이 브라우저에서 지갑 저장 공간을 열 수 없습니다. 사생활 보호 모드(시크릿 모드)를 끄거나 이 사이트의 데이터 저장을 허용한 뒤 다시 시도하십시오.',
            (err instanceof Error && err.message) || 'IndexedDB is not available',
          ),
          { cause: err },
        ),
      );
    let req: IDBOpenDBRequest;
    try {
      // No IndexedDB at all, or one the browser refuses this page (SecurityError), throws here.
      req = indexedDB.open(DB, VERSION);
    } catch (err) {
      return cannotOpen(err);
    }
    req.onupgradeneeded = () => {
      const db = req.result;
      if (!db.objectStoreNames.contains('keys')) db.createObjectStore('keys', { keyPath: 'kid' });
      if (!db.objectStoreNames.contains('credentials')) db.createObjectStore('credentials', { keyPath: 'id' });
    };
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => cannotOpen(req.error);
  });
}

async function run<T>(store: 'keys' | 'credentials', mode: IDBTransactionMode, fn: (s: IDBObjectStore) => IDBRequest<T>): Promise<T> {
  const db = await open();
  try {
    return await new Promise<T>((resolve, reject) => {
      const failed = (err: unknown) =>
        reject(
          new Error(
            t(
              '지갑 저장 공간에서 읽거나 저장하지 못했습니다. 기기의 저장 공간이 충분한지 확인하고 다시 시도하십시오.',
              (err instanceof Error && err.message) || 'IndexedDB transaction failed',
            ),
            { cause: err },
          ),
        );
      let tx: IDBTransaction;
      let req: IDBRequest<T>;
      try {
        // A closing database (InvalidStateError) or a value it cannot keep (DataCloneError) throws here.
        tx = db.transaction(store, mode);
        req = fn(tx.objectStore(store));
      } catch (err) {
        return failed(err);
      }
      tx.oncomplete = () => resolve(req.result);
      tx.onerror = () => failed(tx.error);
      // A full disk (QuotaExceededError) aborts the transaction.
      tx.onabort = () =>
        reject(
          new Error(
            t(
              '지갑 저장 공간의 작업이 중단되었습니다. 기기의 저장 공간이 충분한지 확인하고 다시 시도하십시오.',
              tx.error?.message || 'IndexedDB transaction aborted',
            ),
            { cause: tx.error },
          ),
        );
    });
  } finally {
    db.close();
  }
}

export const putKey = (k: StoredKey) => run('keys', 'readwrite', (s) => s.put(k)).then(() => undefined);
export const getKey = (kid: string) =>
  run<StoredKey | undefined>('keys', 'readonly', (s) => s.get(kid) as IDBRequest<StoredKey | undefined>);
export const deleteKey = (kid: string) => run('keys', 'readwrite', (s) => s.delete(kid)).then(() => undefined);
export const putCredential = (c: StoredCredential) => run('credentials', 'readwrite', (s) => s.put(c)).then(() => undefined);
export const deleteCredential = (id: string) => run('credentials', 'readwrite', (s) => s.delete(id)).then(() => undefined);
/** When a card was received, for the order of the list: a record without it (not one this page wrote) sorts last, and throws nothing. */
const receivedAt = (c: StoredCredential): string => (typeof (c.received_at as unknown) === 'string' ? c.received_at : '');
/** Every kept card, newest first; whether each can be read is the page's to find out, card by card. */
export const listCredentials = async (): Promise<StoredCredential[]> =>
  (await run<StoredCredential[]>('credentials', 'readonly', (s) => s.getAll() as IDBRequest<StoredCredential[]>)).sort((a, b) =>
    receivedAt(b).localeCompare(receivedAt(a)),
  );
