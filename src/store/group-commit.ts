/**
 * Group commit: writes that arrive while the store is busy are gathered and committed together
 * in one transaction, so many acknowledged writes share one fsync instead of paying one each.
 * Nobody is answered before the transaction holding their write has committed: durability is
 * unchanged (SQLite synchronous=FULL, PostgreSQL's own commit), only the fsync is shared.
 *
 * Hand-written because it is small and specific: the batch runs on the store's single write
 * path (one SQLite connection), and a failing batch is retried item by item so one bad row
 * cannot fail its neighbours (unless the store itself is unavailable: then all fail at once).
 */
import { isStoreUnavailable } from './classify-store-error.js';

export class GroupCommit<T, R> {
  private queue: { item: T; resolve: (r: R) => void; reject: (e: unknown) => void }[] = [];
  private scheduled = false;
  private running = false;

  constructor(
    private readonly commit: (items: T[]) => Promise<R[]>,
    private readonly maxBatch = 256,
  ) {}

  submit(item: T): Promise<R> {
    return new Promise<R>((resolve, reject) => {
      this.queue.push({ item, resolve, reject });
      this.schedule();
    });
  }

  private schedule(): void {
    if (this.scheduled || this.running) return;
    this.scheduled = true;
    // setImmediate lets the requests already read in this turn of the event loop join the batch.
    setImmediate(() => void this.flush());
  }

  private async flush(): Promise<void> {
    this.scheduled = false;
    this.running = true;
    const batch = this.queue.splice(0, this.maxBatch);
    try {
      const results = await this.commit(batch.map((b) => b.item));
      batch.forEach((b, i) => b.resolve(results[i] as R));
    } catch (e) {
      // A store that is down or full fails every item alike: answer them all at once (503)
      // instead of retrying one by one, each waiting out its own connect or busy timeout.
      if (batch.length === 1 || isStoreUnavailable(e)) for (const b of batch) b.reject(e);
      else {
        for (const b of batch) {
          try {
            const [r] = await this.commit([b.item]);
            b.resolve(r as R);
          } catch (err) {
            b.reject(err);
          }
        }
      }
    } finally {
      this.running = false;
      if (this.queue.length > 0) this.schedule();
    }
  }
}
