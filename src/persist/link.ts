// The one connection to the target a persist run holds at a time. A VM restart ends it and
// the run connects again; interrupted or failed, the run still needs it to clean up.

import { type Connection, type ConnectOptions, connectWithWait, type WaitingEvent } from '../targets/connect.js';
import type { Target } from '../targets/target.js';
import type { TartFact } from '../targets/tart.js';

export interface LinkOptions {
  connection: ConnectOptions;
  /** how one attempt connects (tests inject a LocalTarget here) */
  connectOnce?: () => Promise<Connection>;
  onAttempt?: () => void;
  onWaiting?: (e: WaitingEvent) => void;
}

export class Link {
  private current?: Target;
  private vm?: TartFact;

  constructor(private readonly o: LinkOptions) {}

  get target(): Target | undefined {
    return this.current;
  }

  get tart(): TartFact | undefined {
    return this.vm;
  }

  /** Connects, retrying with the `--wait` backoff for at most `waitMs` while the target is not up yet. */
  async connect(waitMs: number, signal?: AbortSignal): Promise<Target> {
    const once = this.o.connectOnce;
    const conn = await connectWithWait(this.o.connection, {
      waitMs,
      signal,
      onAttempt: this.o.onAttempt,
      onWaiting: this.o.onWaiting,
      connectOnce: once ? () => once() : undefined,
    });
    await this.adopt(conn.target);
    this.vm = conn.tart ?? this.vm;
    return conn.target;
  }

  /** Uses `target` from now on (closing the one before). */
  async adopt(target: Target): Promise<void> {
    if (this.current && this.current !== target) await this.current.close().catch(() => undefined);
    this.current = target;
  }

  /** Closes and forgets the connection (a VM restart that failed part way has ended it). */
  async drop(): Promise<void> {
    const t = this.current;
    this.current = undefined;
    await t?.close().catch(() => undefined);
  }
}
