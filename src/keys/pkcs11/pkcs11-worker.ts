/**
 * The module thread: the only thread that calls into the PKCS#11 module. pkcs11js's calls are
 * synchronous and a module can stop answering inside any of them (a network HSM that went away,
 * a token whose lock another process holds); here such a call blocks this thread only, and the
 * main thread, which bounds every request in time, gives 503 meanwhile (pkcs11-connection.ts).
 * Requests and replies are the messages below.
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { Pkcs11Config } from '../../config.js';
import { isAppError } from '../../errors.js';
import type { SigningAlg } from '../signer.js';
import { Pkcs11Module } from './pkcs11-module.js';
import { Pkcs11KeyError, Pkcs11KeyOperations } from './pkcs11-key-operations.js';
import { Pkcs11StartError } from './pkcs11-faults.js';

export type WorkerRequest = { id: number } & (
  | { op: 'open' }
  | { op: 'generate'; alg: SigningAlg }
  | { op: 'lookup'; kid: string; keyId: string; alg: SigningAlg }
  | { op: 'sign'; keyId: string; alg: SigningAlg; input: Uint8Array }
  | { op: 'health' }
  | { op: 'close' }
);

/** `start`: Pkcs11StartError; `key`: Pkcs11KeyError; `unavailable`: 503 signer_unavailable. */
export type WorkerErrorKind = 'start' | 'key' | 'unavailable' | 'other';

export type WorkerMessage =
  | { id: number; ok: true; value: unknown }
  | { id: number; ok: false; kind: WorkerErrorKind; message: string }
  | { hello: true }
  | { log: 'info' | 'warn'; fields: Record<string, unknown>; message: string };

export interface WorkerData {
  config: Pkcs11Config;
  /** A thread before this one was given up on inside the module: close its sessions first. */
  closeStale: boolean;
}

const port = parentPort;
if (!port) throw new Error('pkcs11-worker runs as a worker thread');
const { config, closeStale } = workerData as WorkerData;

let module: Pkcs11Module | undefined;
let keys: Pkcs11KeyOperations | undefined;

const send = (m: WorkerMessage) => port.postMessage(m);

function opened(): Pkcs11KeyOperations {
  if (!keys) throw new Error('the PKCS#11 module thread was not opened');
  return keys;
}

async function handle(r: WorkerRequest): Promise<unknown> {
  switch (r.op) {
    case 'open':
      module = Pkcs11Module.open(config, (level, fields, message) => send({ log: level, fields, message }), closeStale);
      keys = new Pkcs11KeyOperations(module, config.tokenLabel ?? `slot ${String(config.slot)}`);
      return [...module.mechanisms];
    case 'generate': {
      const k = await opened().generate(r.alg);
      return { kid: k.kid, publicJwk: k.publicJwk, keyId: k.id.toString('hex') };
    }
    case 'lookup':
      return opened().lookup(r.kid, Buffer.from(r.keyId, 'hex'), r.alg);
    case 'sign':
      return opened().sign(Buffer.from(r.keyId, 'hex'), r.alg, r.input);
    case 'health':
      return module?.health() ?? 'unavailable';
    case 'close':
      module?.close();
      return undefined;
  }
}

function kindOf(e: unknown): WorkerErrorKind {
  if (e instanceof Pkcs11StartError) return 'start';
  if (e instanceof Pkcs11KeyError) return 'key';
  if (isAppError(e) && e.code === 'signer_unavailable') return 'unavailable';
  return 'other';
}

// Loaded (under tsx that takes a while): the main thread's time limits start from here.
send({ hello: true });

port.on('message', (r: WorkerRequest) => {
  handle(r).then(
    (value) => send({ id: r.id, ok: true, value }),
    (e: unknown) => send({ id: r.id, ok: false, kind: kindOf(e), message: e instanceof Error ? e.message : String(e) }),
  );
});
