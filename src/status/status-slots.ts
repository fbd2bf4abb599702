import { randomBytes, randomInt } from 'node:crypto';
import type { Store } from '../store/store.js';
import type { StatusListRecord } from '../store/repositories/status-lists-repo.js';
import type { Clock } from '../clock.js';
import { statusListUri } from './status-list-uri.js';

export const STATUS_BITS = 2;
/** After this many collisions in a row, a list is crowded enough: open a new one. */
const COLLISIONS_BEFORE_FULL = 3;

export interface StatusSlot {
  list: string;
  idx: number;
  uri: string;
}

/**
 * Hands out random status indices (Token Status List §13.2: never a sequence, so an index tells
 * nothing about issuance order). The index is only reserved when the credential row commits: a
 * unique (list, index) constraint refuses a taken slot and the caller asks for another. A list
 * is closed after COLLISIONS_BEFORE_FULL collisions in a row, which random picks meet early:
 * around (1/N)^(1/4) full, 5–7% of 131,072 entries, so lists are many and sparse. The crowd a
 * credential hides in is still the whole list: an unused entry reads as valid, like a live one.
 */
export class StatusSlots {
  private current: StatusListRecord | undefined;
  private opening: Promise<StatusListRecord> | undefined;
  private collisions = 0;

  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
    private readonly opts: { publicUrl: string; listSize: number },
  ) {}

  uriOf(listId: string): string {
    return statusListUri(this.opts.publicUrl, listId);
  }

  async pick(): Promise<StatusSlot> {
    let list = this.current;
    if (!list) {
      // Concurrent picks (a batch's credentials, parallel requests) share one opening, not one new list each.
      this.opening ??= this.openList().finally(() => (this.opening = undefined));
      list = this.current = await this.opening;
    }
    return { list: list.id, idx: randomInt(list.size), uri: this.uriOf(list.id) };
  }

  /** The slot was taken: after a few in a row, close the list for new credentials. */
  async collided(listId: string): Promise<void> {
    if (++this.collisions < COLLISIONS_BEFORE_FULL) return;
    this.collisions = 0;
    await this.store.statusLists.markFull(listId);
    if (this.current?.id === listId) this.current = undefined;
  }

  succeeded(): void {
    this.collisions = 0;
  }

  private async openList(): Promise<StatusListRecord> {
    const [open] = await this.store.statusLists.open(STATUS_BITS);
    if (open) return open;
    const id = randomBytes(8).toString('hex');
    await this.store.statusLists.create({ id, bits: STATUS_BITS, size: this.opts.listSize, created_at: this.clock.now() });
    return (await this.store.statusLists.get(id)) as StatusListRecord;
  }
}
