import { Controller } from '@nestjs/common';
import { Ctx, EventPattern, Payload } from '@nestjs/microservices';
import { isEnvelopeOf, TOPICS, type EventEnvelope } from '@tracking/events';
import type { KafkaEventContext } from '@tracking/kafka';
import { RegisterShipmentUseCase } from '../use-cases/register-shipment.use-case';

/** Shipments start being tracked when production registers them, and stop when a label is voided. */
@Controller()
export class ShipmentEventsConsumer {
  constructor(private readonly registerShipment: RegisterShipmentUseCase) {}

  @EventPattern<string>(TOPICS.shipments)
  async onShipmentEvent(@Payload() event: EventEnvelope, @Ctx() context: KafkaEventContext): Promise<void> {
    if (!isEnvelopeOf(event, 'shipmentRegistered')) return;
    const { value } = event.payload;
    await this.registerShipment.register(context.tx, {
      shipmentId: value.shipmentId,
      orderId: event.orderId,
      merchantId: event.merchantId,
      carrier: value.carrier,
      trackingNumber: value.trackingNumber,
      serviceLevel: value.serviceLevel || null,
      registeredAt: new Date(event.occurredAt ?? event.recordedAt ?? Date.now()),
    });
  }

  @EventPattern<string>(TOPICS.production)
  async onProductionEvent(@Payload() event: EventEnvelope, @Ctx() context: KafkaEventContext): Promise<void> {
    if (!isEnvelopeOf(event, 'productionStepRecorded') || event.payload.value.step !== 'LABEL_VOIDED') return;
    if (!event.shipmentId) return;
    await this.registerShipment.void(context.tx, event.shipmentId, new Date(event.occurredAt ?? Date.now()));
  }
}
