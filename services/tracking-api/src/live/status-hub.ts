import { Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { PlatformConfig } from '@tracking/config';
import type { TransactionContext } from '@tracking/db';
import { backoffDelay, sleep } from '@tracking/errors';
import { Client } from 'pg';

const CHANNEL = 'tracking_api_views';

/**
 * Tells live streams that an order's view changed. The replica that projected the change wakes
 * its own streams after commit; a NOTIFY in the same transaction wakes every other replica's.
 * Listeners reread the view and send only versions they have not sent, so a wake-up arriving
 * twice, or for nothing new, is harmless.
 */
@Injectable()
export class StatusHub implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly log = new Logger(StatusHub.name);
  private readonly listeners = new Map<string, Set<() => void>>();
  private readonly stopping = new AbortController();
  private client?: Client;

  constructor(private readonly config: PlatformConfig) {}

  async announce(tx: TransactionContext, orderId: string): Promise<void> {
    await tx.manager.query(`SELECT pg_notify('${CHANNEL}', $1)`, [orderId]);
    tx.afterCommit(() => this.emit(orderId));
  }

  /** Calls `listener` whenever the order's view may have changed; returns the unsubscribe. */
  subscribe(orderId: string, listener: () => void): () => void {
    let set = this.listeners.get(orderId);
    if (!set) this.listeners.set(orderId, (set = new Set()));
    set.add(listener);
    return () => {
      set.delete(listener);
      if (set.size === 0) this.listeners.delete(orderId);
    };
  }

  onApplicationBootstrap(): void {
    void this.listen();
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopping.abort();
    await this.client?.end().catch(() => undefined);
  }

  private emit(orderId: string): void {
    for (const listener of this.listeners.get(orderId) ?? []) listener();
  }

  /** Keeps one LISTEN connection open, reconnecting with backoff; streams still work locally meanwhile. */
  private async listen(): Promise<void> {
    for (let attempt = 1; !this.stopping.signal.aborted; attempt += 1) {
      const client = new Client({
        connectionString: this.config.DATABASE_URL,
        application_name: `${this.config.SERVICE_NAME}-listen`,
      });
      try {
        await client.connect();
        await client.query(`LISTEN ${CHANNEL}`);
        this.client = client;
        attempt = 0;
        client.on('notification', (message) => message.payload && this.emit(message.payload));
        await new Promise<void>((resolve) => {
          client.once('error', () => resolve());
          client.once('end', () => resolve());
          this.stopping.signal.addEventListener('abort', () => resolve(), { once: true });
        });
      } catch (error) {
        if (!this.stopping.signal.aborted)
          this.log.warn(`live updates from other replicas paused: ${String(error)}`);
      } finally {
        await client.end().catch(() => undefined);
      }
      if (!this.stopping.signal.aborted)
        await sleep(
          backoffDelay(Math.max(attempt, 1), { initialDelayMs: 500, maxDelayMs: 30_000 }),
          this.stopping.signal,
        );
    }
  }
}
