/**
 * One PKCS#11 module, one token, a small pool of logged-in sessions (pkcs11js, PeculiarVentures'
 * maintained binding; no FFI of ours). Runs in the module thread only (pkcs11-worker.ts): every
 * call here may block on the module, and the main thread bounds each request to this thread in
 * time (pkcs11-connection.ts). A module that drops its sessions or its token is reconnected
 * (C_Finalize, C_Initialize, sessions, login) and the call tried once more; while the module stays
 * away, calls fail at once with 503 `signer_unavailable` and a reconnect is tried at most once a
 * second, so the service heals without a restart.
 */
import pkcs11js from 'pkcs11js';
import type { Handle, PKCS11 } from 'pkcs11js';
import type { Pkcs11Config } from '../../config.js';
import { ckrName, isModuleFault, Pkcs11StartError, signerUnavailable } from './pkcs11-faults.js';

/** While the module is away, the least time between two reconnect attempts. */
const RECONNECT_EVERY_MS = 1000;

interface Session {
  handle: Handle;
  /** The connection it belongs to; a session of an older connection is never reused. */
  epoch: number;
}

interface Waiter {
  resolve: (s: Session) => void;
  reject: (e: Error) => void;
}

export type SessionFn<T> = (lib: PKCS11, session: Handle, epoch: number) => Promise<T>;

/** What the module thread says about itself (warnings go to the server's log through the main thread). */
export type ModuleLog = (level: 'info' | 'warn', fields: Record<string, unknown>, message: string) => void;

export class Pkcs11Module {
  private readonly lib: PKCS11;
  private slot: Handle | undefined;
  private epoch = 0;
  private up = false;
  private idle: Session[] = [];
  /** Sessions a call is using (maybe in one of libuv's threads). */
  private readonly busy = new Set<Session>();
  private waiters: Waiter[] = [];
  /** After a failed reconnect, none before this time (ms). */
  private nextAttempt = 0;
  private closed = false;
  /** Mechanisms (CKM_*) the token offers. */
  mechanisms = new Set<number>();

  private constructor(private readonly opts: Pkcs11Config, private readonly log: ModuleLog) {
    this.lib = new pkcs11js.PKCS11();
    try {
      this.lib.load(opts.module);
    } catch (e) {
      throw new Pkcs11StartError(`PKCS11_MODULE: cannot load ${opts.module} (${e instanceof Error ? e.message : String(e)})`);
    }
  }

  /**
   * Loads the module, finds the token and logs in; throws Pkcs11StartError naming the variable
   * to fix. `closeStale`: a thread before this one was given up on while inside the module; its
   * sessions (sessions belong to the process) are closed before ours are opened.
   */
  static open(opts: Pkcs11Config, log: ModuleLog, closeStale: boolean): Pkcs11Module {
    const m = new Pkcs11Module(opts, log);
    try {
      m.connect(closeStale);
    } catch (e) {
      m.teardown();
      m.lib.close();
      if (e instanceof Pkcs11StartError) throw e;
      throw new Pkcs11StartError(`PKCS11_MODULE: ${opts.module} failed while connecting (${ckrName(e) ?? (e instanceof Error ? e.message : String(e))})`);
    }
    return m;
  }

  /** Runs `fn` on a session of its own; see the file comment for faults. */
  async run<T>(what: string, fn: SessionFn<T>): Promise<T> {
    for (let attempt = 0; ; attempt++) {
      const s = await this.acquire();
      try {
        const result = await fn(this.lib, s.handle, s.epoch);
        this.release(s);
        return result;
      } catch (e) {
        if (!isModuleFault(e)) {
          this.release(s);
          throw e;
        }
        this.discard(s);
        this.fault(s.epoch, what, e);
        if (attempt >= 1) throw signerUnavailable();
      }
    }
  }

  /** Probes the token (for /readyz); when down, tries a reconnect. */
  health(): 'ok' | 'unavailable' {
    if (this.up) {
      try {
        this.lib.C_GetTokenInfo(this.slot as Handle);
      } catch (e) {
        if (isModuleFault(e)) this.fault(this.epoch, 'token probe', e);
      }
    }
    if (!this.up) this.recover().catch(() => undefined);
    return this.up ? 'ok' : 'unavailable';
  }

  close(): void {
    this.closed = true;
    this.rejectWaiters();
    try {
      this.teardown();
    } catch {
      return; // a call is still inside the module: leave it loaded
    }
    try {
      this.lib.close();
    } catch {
      /* already unloaded */
    }
  }

  /** Full connection: C_Initialize, find the token, then sessions and login. */
  private connect(closeStale = false): void {
    try {
      // CKF_OS_LOCKING_OK: sessions are used from libuv's threads at once (PKCS#11 v2.40 §5.4).
      this.lib.C_Initialize({ flags: pkcs11js.CKF_OS_LOCKING_OK });
    } catch (e) {
      // Another user of the same library in this process initialised it already.
      if (ckrName(e) !== 'CKR_CRYPTOKI_ALREADY_INITIALIZED') throw e;
    }
    const slot = this.findSlot();
    this.mechanisms = new Set(this.lib.C_GetMechanismList(slot));
    this.slot = slot;
    if (closeStale) {
      try {
        this.lib.C_CloseAllSessions(slot);
      } catch {
        /* none left */
      }
    }
    this.openSessions(slot);
  }

  /** Light reconnect, for a module that dropped our sessions but still has the token. */
  private reopen(): void {
    if (this.slot === undefined) throw new Error('never connected');
    this.lib.C_GetTokenInfo(this.slot);
    this.openSessions(this.slot);
  }

  private openSessions(slot: Handle): void {
    const epoch = this.epoch + 1;
    const sessions: Session[] = [];
    try {
      for (let i = 0; i < this.opts.sessions; i++) {
        sessions.push({ handle: this.lib.C_OpenSession(slot, pkcs11js.CKF_SERIAL_SESSION | pkcs11js.CKF_RW_SESSION), epoch });
      }
      this.login(sessions[0] as Session);
    } catch (e) {
      for (const s of sessions) this.closeSession(s);
      throw e;
    }
    this.epoch = epoch;
    this.up = true;
    this.idle = sessions;
    while (this.waiters.length > 0 && this.idle.length > 0) this.handOver(this.idle.pop() as Session);
  }

  private findSlot(): Handle {
    const slots = this.lib.C_GetSlotList(true);
    const { tokenLabel, slot } = this.opts;
    if (tokenLabel !== undefined) {
      const labels = slots.map((s) => this.lib.C_GetTokenInfo(s).label.trim());
      const i = labels.indexOf(tokenLabel);
      if (i < 0) {
        const seen = labels.filter((l) => l !== '').map((l) => `"${l}"`).join(', ') || 'none';
        throw new Pkcs11StartError(`PKCS11_TOKEN_LABEL: no token labelled "${tokenLabel}" in ${this.opts.module} (tokens: ${seen})`);
      }
      return slots[i] as Handle;
    }
    const wanted = slots.find((s) => s.readUIntLE(0, Math.min(6, s.length)) === slot);
    if (!wanted) throw new Pkcs11StartError(`PKCS11_SLOT: no token in slot ${String(slot)} of ${this.opts.module}`);
    return wanted;
  }

  /** Login is per application and token (PKCS#11 v2.40 §5.6): one login covers every session. */
  private login(s: Session): void {
    try {
      this.lib.C_Login(s.handle, pkcs11js.CKU_USER, this.opts.pin);
    } catch (e) {
      const ckr = ckrName(e);
      if (ckr === 'CKR_USER_ALREADY_LOGGED_IN') return;
      if (ckr === 'CKR_PIN_INCORRECT' || ckr === 'CKR_PIN_INVALID' || ckr === 'CKR_PIN_LEN_RANGE') {
        throw new Pkcs11StartError(`DPROOF_PKCS11_PIN: the token refused the PIN (${ckr}); the module may lock the token after a few more wrong tries`);
      }
      if (ckr === 'CKR_PIN_LOCKED') throw new Pkcs11StartError('DPROOF_PKCS11_PIN: the token is locked after too many wrong PINs; its security officer must unlock it');
      throw e;
    }
  }

  /**
   * Closes our idle sessions (busy ones are closed when their call returns); `finalize` also
   * lets go of the module (C_Finalize) for a full reconnect, which waits until no call is running.
   */
  private teardown(finalize = true): void {
    this.up = false;
    for (const s of this.idle.splice(0)) this.closeSession(s);
    if (!finalize) return;
    if (this.busy.size > 0) throw new Error(`${this.busy.size} PKCS#11 calls still running`);
    try {
      this.lib.C_Finalize();
    } catch {
      /* not initialised */
    }
  }

  private closeSession(s: Session): void {
    try {
      this.lib.C_CloseSession(s.handle);
    } catch {
      /* the module may have dropped it already */
    }
  }

  /** A fault on a session of the current connection takes the connection down (once). */
  private fault(epoch: number, what: string, e: unknown): void {
    if (epoch !== this.epoch || !this.up) return;
    this.log('warn', { reason: ckrName(e) ?? (e instanceof Error ? e.message : 'unknown'), during: what }, 'PKCS#11 module fault; reconnecting');
    this.teardown(false);
  }

  /** Reconnects; after a failed attempt the next waits a second (callers get 503 meanwhile). */
  private recover(): Promise<void> {
    if (this.up) return Promise.resolve();
    if (this.closed || Date.now() < this.nextAttempt) return Promise.reject(signerUnavailable());
    try {
      try {
        this.reopen();
      } catch {
        // The token or the module itself went away: start over (a token put back is found again).
        this.teardown();
        this.connect();
      }
      this.log('info', { token: this.opts.tokenLabel ?? this.opts.slot }, 'PKCS#11 module connected again');
      return Promise.resolve();
    } catch (e) {
      this.teardown(false);
      this.nextAttempt = Date.now() + RECONNECT_EVERY_MS;
      this.log('warn', { reason: ckrName(e) ?? (e instanceof Error ? e.message : 'unknown') }, 'PKCS#11 module still unavailable');
      this.rejectWaiters();
      return Promise.reject(signerUnavailable());
    }
  }

  private async acquire(): Promise<Session> {
    if (!this.up) await this.recover();
    const s = this.idle.pop();
    if (s) {
      this.busy.add(s);
      return s;
    }
    // Every session is busy: wait for one (the main thread bounds the whole request in time).
    return new Promise<Session>((resolve, reject) => this.waiters.push({ resolve, reject }));
  }

  private release(s: Session): void {
    this.busy.delete(s);
    if (s.epoch !== this.epoch || !this.up) return this.closeSession(s);
    if (this.waiters.length > 0) this.handOver(s);
    else this.idle.push(s);
  }

  private discard(s: Session): void {
    this.busy.delete(s);
    this.closeSession(s);
  }

  private handOver(s: Session): void {
    const w = this.waiters.shift() as Waiter;
    this.busy.add(s);
    w.resolve(s);
  }

  private rejectWaiters(): void {
    for (const w of this.waiters.splice(0)) w.reject(signerUnavailable());
  }
}
