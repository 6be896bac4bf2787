import { Controller } from '@nestjs/common';
import { Ctx, EventPattern, Payload } from '@nestjs/microservices';
import { isEnvelopeOf, TOPICS, type EventEnvelope } from '@tracking/events';
import type { KafkaEventContext } from '@tracking/kafka';
import { OrderEntity } from '../persistence/entities';
import { ProductionRepository } from '../persistence/production.repository';
import { ProductionLedger } from '../use-cases/production-ledger';

/**
 * What this service must know of orders: which centre makes each one, and when it was cancelled
 * or delivered, so impossible steps are refused. A newly known order releases the reports that
 * arrived before it.
 */
@Controller()
export class OrderEventsConsumer {
  constructor(
    private readonly repository: ProductionRepository,
    private readonly ledger: ProductionLedger,
  ) {}

  @EventPattern<string>(TOPICS.orders)
  async onOrderEvent(@Payload() event: EventEnvelope, @Ctx() context: KafkaEventContext): Promise<void> {
    const { manager } = context.tx;
    const occurredAt = new Date(event.occurredAt ?? event.recordedAt ?? Date.now());
    if (isEnvelopeOf(event, 'orderReceived')) {
      const order = await this.repository.insertOrderIfAbsent(
        manager,
        Object.assign(new OrderEntity(), {
          orderId: event.orderId,
          merchantId: event.merchantId,
          fulfillmentCentreId: event.payload.value.fulfillmentCentreId || null,
          receivedAt: occurredAt,
          packedAt: null,
          cancelledAt: null,
          deliveredAt: null,
        } satisfies OrderEntity),
      );
      await this.ledger.releaseAwaiting(context.tx, [order]);
      return;
    }
    if (isEnvelopeOf(event, 'orderCancelled')) {
      const [order] = (await this.repository.lockOrders(manager, [event.orderId])).values();
      // A cancellation for an order never received changes nothing here.
      if (!order || (order.cancelledAt && order.cancelledAt <= occurredAt)) return;
      order.cancelledAt = occurredAt;
      await this.repository.saveOrders(manager, [order]);
    }
  }

  /** Production after delivery is impossible: the first delivered scan closes the order here. */
  @EventPattern<string>(TOPICS.carrierScans)
  async onCarrierScan(@Payload() event: EventEnvelope, @Ctx() context: KafkaEventContext): Promise<void> {
    if (!isEnvelopeOf(event, 'carrierScanRecorded') || event.payload.value.state !== 'DELIVERED') return;
    const [order] = (await this.repository.lockOrders(context.tx.manager, [event.orderId])).values();
    const deliveredAt = new Date(event.occurredAt ?? event.recordedAt ?? Date.now());
    if (!order || (order.deliveredAt && order.deliveredAt <= deliveredAt)) return;
    order.deliveredAt = deliveredAt;
    await this.repository.saveOrders(context.tx.manager, [order]);
  }
}
