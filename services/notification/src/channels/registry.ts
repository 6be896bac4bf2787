import { Inject, Injectable, type OnApplicationShutdown } from '@nestjs/common';
import { TrackingError } from '@tracking/errors';
import { CHANNELS, type Channel } from '../domain/message-kinds';
import type { NotificationChannel } from './channel';

export const NOTIFICATION_CHANNELS = Symbol('NOTIFICATION_CHANNELS');

/** The channel adapters by id. An id without an adapter is a programming error, and says so. */
@Injectable()
export class ChannelRegistry implements OnApplicationShutdown {
  private readonly byId: ReadonlyMap<Channel, NotificationChannel>;

  constructor(@Inject(NOTIFICATION_CHANNELS) channels: readonly NotificationChannel[]) {
    const byId = new Map<Channel, NotificationChannel>();
    for (const channel of channels) {
      if (byId.has(channel.id)) throw new Error(`two notification channels have the id "${channel.id}"`);
      byId.set(channel.id, channel);
    }
    const missing = CHANNELS.filter((id) => !byId.has(id));
    if (missing.length > 0) throw new Error(`no adapter for notification channel(s) ${missing.join(', ')}`);
    this.byId = byId;
  }

  get<C extends Channel>(id: C): NotificationChannel<C> {
    const channel = this.byId.get(id);
    if (!channel) throw new TrackingError('INTERNAL', `no notification channel "${String(id)}"`);
    return channel as unknown as NotificationChannel<C>;
  }

  async onApplicationShutdown(): Promise<void> {
    for (const channel of this.byId.values()) await channel.close?.();
  }
}
