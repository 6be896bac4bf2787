import { Controller } from '@nestjs/common';
import { Ctx, EventPattern, Payload } from '@nestjs/microservices';
import { isEnvelopeOf, TOPICS, type EventEnvelope } from '@tracking/events';
import type { KafkaEventContext } from '@tracking/kafka';
import type { ProductionProgress } from '../domain/order';
import { RecordProductionProgressUseCase } from '../use-cases/record-production-progress';

// Canonical states of a production step that matter to cancellation; QC failures, voided labels
// and the like leave this service's view unchanged.
const PROGRESS_BY_STATE: Readonly<Record<string, ProductionProgress | 'CANCELLED'>> = {
  IN_PRODUCTION: 'IN_PRODUCTION',
  PRODUCTION_COMPLETED: 'PRODUCTION_COMPLETED',
  PACKED: 'PACKED',
  CANCELLED: 'CANCELLED',
};

@Controller()
export class ProductionEventsConsumer {
  constructor(private readonly recordProgress: RecordProductionProgressUseCase) {}

  @EventPattern<string>(TOPICS.production)
  async onProductionEvent(@Payload() event: EventEnvelope, @Ctx() context: KafkaEventContext): Promise<void> {
    if (!isEnvelopeOf(event, 'productionStepRecorded')) return;
    const reported = PROGRESS_BY_STATE[event.payload.value.state];
    if (!reported) return;
    await this.recordProgress.execute(context.tx, {
      orderId: event.orderId,
      merchantId: event.merchantId,
      reported,
      occurredAt: new Date(event.occurredAt ?? event.recordedAt ?? Date.now()),
      ...(event.payload.value.note ? { reason: event.payload.value.note } : {}),
    });
  }
}
