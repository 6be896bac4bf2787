import { Controller } from '@nestjs/common';
import { Ctx, EventPattern, Payload } from '@nestjs/microservices';
import { isEnvelopeOf, TOPICS, type EventEnvelope, type ProductionStepType } from '@tracking/events';
import type { KafkaEventContext } from '@tracking/kafka';
import type { ProductionProgress } from '../domain/order';
import { RecordProductionProgressUseCase } from '../use-cases/record-production-progress';

// Keyed by the step, not its canonical state: a voided label is CANCELLED for one shipment,
// not for the order. QC failures and voided labels leave this service's view unchanged.
const PROGRESS_BY_STEP: Readonly<Partial<Record<ProductionStepType, ProductionProgress | 'CANCELLED'>>> = {
  PRODUCTION_STARTED: 'IN_PRODUCTION',
  PRODUCTION_COMPLETED: 'PRODUCTION_COMPLETED',
  PACKED: 'PACKED',
  CANCELLED_IN_PRODUCTION: 'CANCELLED',
};

@Controller()
export class ProductionEventsConsumer {
  constructor(private readonly recordProgress: RecordProductionProgressUseCase) {}

  @EventPattern<string>(TOPICS.production)
  async onProductionEvent(@Payload() event: EventEnvelope, @Ctx() context: KafkaEventContext): Promise<void> {
    if (!isEnvelopeOf(event, 'productionStepRecorded')) return;
    const reported = PROGRESS_BY_STEP[event.payload.value.step as ProductionStepType];
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
