import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { NotFoundError } from '@tracking/errors';
import type { DataSource } from 'typeorm';
import { TrackingApiConfig } from '../config/tracking-api.config';
import type { PublicView } from '../domain/order-projection';
import { ReadModelRepository } from '../persistence/read-model.repository';

// Tokens are 32 base64url characters; anything else cannot be one, but is answered the same way.
const TOKEN_SHAPE = /^[A-Za-z0-9_-]{16,128}$/;

export interface TrackedOrder {
  orderId: string;
  state: string;
  version: number;
  view: PublicView;
}

@Injectable()
export class TrackOrderUseCase {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly repository: ReadModelRepository,
    private readonly config: TrackingApiConfig,
  ) {}

  /**
   * The order behind a tracking token. Found or not, the answer takes at least the configured
   * floor, and the lookup is by the token's hash through a unique index, so timing tells a
   * guesser nothing about which tokens exist.
   */
  async execute(token: string): Promise<TrackedOrder> {
    const floor = new Promise((resolve) => setTimeout(resolve, this.config.TRACK_RESPONSE_FLOOR_MS));
    const row = TOKEN_SHAPE.test(token)
      ? await this.repository.findByToken(this.dataSource.manager, token)
      : null;
    await floor;
    if (!row) throw new NotFoundError('tracking token', '');
    return { orderId: row.order_id, state: row.state, version: row.status_version, view: row.public_view };
  }
}
