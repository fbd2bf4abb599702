/**
 * The browser wallet's storage: IndexedDB, one store of keys and one of credentials. Keys are
 * WebCrypto CryptoKey objects created non-extractable: IndexedDB keeps the object, the page can
 * sign with it, and no script (ours included) can ever read the private key out.
 */
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
    const req = indexedDB.open(DB, VERSION);
    req.onupgradeneeded = () => {
      const db = req.result;
      if (!db.objectStoreNames.contains('keys')) db.createObjectStore('keys', { keyPath: 'kid' });
      if (!db.objectStoreNames.contains('credentials')) db.createObjectStore('credentials', { keyPath: 'id' });
    };
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error ?? new Error('IndexedDB is not available'));
  });
}

async function run<T>(store: 'keys' | 'credentials', mode: IDBTransactionMode, fn: (s: IDBObjectStore) => IDBRequest<T>): Promise<T> {
  const db = await open();
  try {
    return await new Promise<T>((resolve, reject) => {
      const tx = db.transaction(store, mode);
      const req = fn(tx.objectStore(store));
      tx.oncomplete = () => resolve(req.result);
      tx.onerror = () => reject(tx.error ?? new Error('IndexedDB transaction failed'));
      tx.onabort = () => reject(tx.error ?? new Error('IndexedDB transaction aborted'));
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
export const listCredentials = async (): Promise<StoredCredential[]> =>
  (await run<StoredCredential[]>('credentials', 'readonly', (s) => s.getAll() as IDBRequest<StoredCredential[]>)).sort((a, b) =>
    b.received_at.localeCompare(a.received_at),
  );
