import { Injectable } from '@nestjs/common';
import type { TransactionContext } from '@tracking/db';
import type { EnvelopeOf } from '@tracking/events';
import { OutboxWriter } from '@tracking/kafka';
import { BuyerContactsRepository } from '../persistence/buyer-contacts.repository';

/**
 * A merchant asked for the buyer's personal data to be erased: the greeting, the comment of their
 * feedback, the address and note of their delivery-change requests and the personal parts of
 * stored facts go; the order itself stays tracked and counted, and its page keeps working without
 * the name. The erasure is remembered, so nothing consumed later brings any of it back.
 */
@Injectable()
export class EraseBuyerUseCase {
  constructor(
    private readonly contacts: BuyerContactsRepository,
    private readonly outbox: OutboxWriter,
  ) {}

  async execute(tx: TransactionContext, event: EnvelopeOf<'buyerErased'>): Promise<void> {
    await this.contacts.erase(tx.manager, event.orderId, event.payload.value.requestId);
    // The requests this service published hold the buyer's new address and note.
    await this.outbox.forgetPublished(tx, [event.orderId], ['order.delivery-change-requested']);
  }
}
