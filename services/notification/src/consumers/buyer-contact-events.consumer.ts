import { Controller } from '@nestjs/common';
import { Ctx, EventPattern, Payload } from '@nestjs/microservices';
import { isEnvelopeOf, TOPICS, type EventEnvelope } from '@tracking/events';
import type { KafkaEventContext } from '@tracking/kafka';
import { EraseBuyerUseCase } from '../use-cases/erase-buyer';
import { RecordBuyerContactUseCase } from '../use-cases/record-buyer-contact';

/** The buyers' contact details and consent, and their erasure, kept apart from the orders. */
@Controller()
export class BuyerContactEventsConsumer {
  constructor(
    private readonly recordBuyerContact: RecordBuyerContactUseCase,
    private readonly eraseBuyer: EraseBuyerUseCase,
  ) {}

  @EventPattern<string>(TOPICS.buyerContacts)
  async onBuyerContactEvent(
    @Payload() event: EventEnvelope,
    @Ctx() context: KafkaEventContext,
  ): Promise<void> {
    if (isEnvelopeOf(event, 'buyerContactRecorded'))
      return this.recordBuyerContact.execute(context.tx, event);
    if (isEnvelopeOf(event, 'buyerErased')) return this.eraseBuyer.execute(context.tx, event);
  }
}
