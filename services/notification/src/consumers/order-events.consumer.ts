import { Controller } from '@nestjs/common';
import { Ctx, EventPattern, Payload } from '@nestjs/microservices';
import { isEnvelopeOf, TOPICS, type EventEnvelope } from '@tracking/events';
import type { KafkaEventContext } from '@tracking/kafka';
import { RecordOrderUseCase } from '../use-cases/record-order';

/** Orders bring the order confirmation and their half of the buyer's record (no contact details). */
@Controller()
export class OrderEventsConsumer {
  constructor(private readonly recordOrder: RecordOrderUseCase) {}

  @EventPattern<string>(TOPICS.orders)
  async onOrderEvent(@Payload() event: EventEnvelope, @Ctx() context: KafkaEventContext): Promise<void> {
    if (isEnvelopeOf(event, 'orderReceived')) return this.recordOrder.received(context.tx, event);
    if (isEnvelopeOf(event, 'orderCancelled')) return this.recordOrder.cancelled(context.tx, event);
  }
}
