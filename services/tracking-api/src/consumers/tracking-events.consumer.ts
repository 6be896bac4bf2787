import { Controller } from '@nestjs/common';
import { Ctx, EventPattern, Payload } from '@nestjs/microservices';
import { TOPICS, type EventEnvelope } from '@tracking/events';
import type { KafkaEventContext } from '@tracking/kafka';
import { OrderProjector } from '../use-cases/order-projector';

/** Every topic that says where an order is feeds the same projection. */
@Controller()
export class TrackingEventsConsumer {
  constructor(private readonly projector: OrderProjector) {}

  @EventPattern<string>(TOPICS.orders)
  onOrderEvent(@Payload() event: EventEnvelope, @Ctx() context: KafkaEventContext): Promise<void> {
    return this.projector.apply(context.tx, event);
  }

  @EventPattern<string>(TOPICS.production)
  onProductionEvent(@Payload() event: EventEnvelope, @Ctx() context: KafkaEventContext): Promise<void> {
    return this.projector.apply(context.tx, event);
  }

  @EventPattern<string>(TOPICS.shipments)
  onShipmentEvent(@Payload() event: EventEnvelope, @Ctx() context: KafkaEventContext): Promise<void> {
    return this.projector.apply(context.tx, event);
  }

  @EventPattern<string>(TOPICS.carrierScans)
  onCarrierScan(@Payload() event: EventEnvelope, @Ctx() context: KafkaEventContext): Promise<void> {
    return this.projector.apply(context.tx, event);
  }

  /** Kept as evidence of what the buyer was told; they do not move the status. */
  @EventPattern<string>(TOPICS.notifications)
  onNotificationDispatched(
    @Payload() event: EventEnvelope,
    @Ctx() context: KafkaEventContext,
  ): Promise<void> {
    return this.projector.apply(context.tx, event);
  }
}
