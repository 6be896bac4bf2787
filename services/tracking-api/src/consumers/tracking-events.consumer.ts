import { Controller } from '@nestjs/common';
import { Ctx, EventPattern, Payload } from '@nestjs/microservices';
import { isEnvelopeOf, TOPICS, type EventEnvelope } from '@tracking/events';
import type { KafkaEventContext } from '@tracking/kafka';
import { EraseBuyerUseCase } from '../use-cases/erase-buyer.use-case';
import { OrderProjector } from '../use-cases/order-projector';
import { RecordBuyerContactUseCase } from '../use-cases/record-buyer-contact.use-case';

/** Every topic that says where an order is feeds the same projection. */
@Controller()
export class TrackingEventsConsumer {
  constructor(
    private readonly projector: OrderProjector,
    private readonly recordBuyerContact: RecordBuyerContactUseCase,
    private readonly eraseBuyer: EraseBuyerUseCase,
  ) {}

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

  /**
   * The buyer's greeting and its erasure: kept apart from the projection, never stored as facts.
   * On one partition per order, an erasure always follows the contact record it erases.
   */
  @EventPattern<string>(TOPICS.buyerContacts)
  async onBuyerContactEvent(
    @Payload() event: EventEnvelope,
    @Ctx() context: KafkaEventContext,
  ): Promise<void> {
    if (isEnvelopeOf(event, 'buyerContactRecorded')) await this.recordBuyerContact.execute(context.tx, event);
    else if (isEnvelopeOf(event, 'buyerErased')) await this.eraseBuyer.execute(context.tx, event);
    // A buyer's delivery-change request is a fact of the order's timeline like any other.
    else await this.projector.apply(context.tx, event);
  }
}
