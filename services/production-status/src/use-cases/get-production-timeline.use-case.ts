import { Injectable } from '@nestjs/common';
import { UnitOfWork } from '@tracking/db';
import { NotFoundError } from '@tracking/errors';
import { reduceOrder, type CanonicalState, type OrderStatus, type TrackingEvent } from '@tracking/events';
import { mayReport } from '../domain/production-event';
import type { OrderEntity, ProductionStepEntity, ShipmentEntity } from '../persistence/entities';
import { ProductionRepository } from '../persistence/production.repository';

export interface ProductionTimeline {
  order: OrderEntity;
  status: OrderStatus;
  steps: ProductionStepEntity[];
  shipments: ShipmentEntity[];
}

@Injectable()
export class GetProductionTimelineUseCase {
  constructor(
    private readonly unitOfWork: UnitOfWork,
    private readonly repository: ProductionRepository,
  ) {}

  /**
   * The centre's own order only: any other is as unknown as one that does not exist. One snapshot,
   * so a step recorded while we read never appears without the shipment it registered.
   */
  async execute(fulfillmentCentreId: string, orderId: string): Promise<ProductionTimeline> {
    const { order, steps, shipments } = await this.unitOfWork.run(
      async ({ manager }) => {
        const found = await this.repository.findOrder(manager, orderId);
        if (!found || !mayReport(found, fulfillmentCentreId)) throw new NotFoundError('order', orderId);
        return { order: found, ...(await this.repository.timeline(manager, orderId)) };
      },
      { snapshot: true },
    );

    // The schema library's reducer decides the status, as every other consumer's does.
    const facts: TrackingEvent[] = [
      {
        eventId: `${order.orderId}:received`,
        state: 'ORDER_RECEIVED',
        occurredAt: order.receivedAt.toISOString(),
        recordedAt: order.receivedAt.toISOString(),
      },
      ...steps.map((step) => ({
        eventId: step.id,
        state: step.state as CanonicalState,
        ...(step.reasonCode ? { reason: step.reasonCode as TrackingEvent['reason'] } : {}),
        occurredAt: step.occurredAt.toISOString(),
        recordedAt: step.recordedAt.toISOString(),
        ...(step.voidedShipmentId ? { shipmentId: step.voidedShipmentId } : {}),
      })),
      ...shipments.map((shipment) => ({
        eventId: `${shipment.id}:registered`,
        state: 'PACKED' as const,
        occurredAt: shipment.packedAt.toISOString(),
        recordedAt: shipment.packedAt.toISOString(),
        shipmentId: shipment.id,
      })),
      ...(order.cancelledAt
        ? [
            {
              eventId: `${order.orderId}:cancelled`,
              state: 'CANCELLED' as const,
              occurredAt: order.cancelledAt.toISOString(),
              recordedAt: order.cancelledAt.toISOString(),
            },
          ]
        : []),
    ];
    return { order, status: reduceOrder(facts)!, steps, shipments };
  }
}
