import { Injectable } from '@nestjs/common';
import type { TransactionContext } from '@tracking/db';
import type { EnvelopeOf } from '@tracking/events';
import { BuyerContactsRepository } from '../persistence/buyer-contacts.repository';

/**
 * Keeps, of a buyer's contact record, the two things the public view may show: the first name the
 * page greets them by and the destination city. Nothing else of it (surname, email, phone, street,
 * the plain token) is stored here. It may arrive before or after its order.received (another
 * topic); the greeting waits for the order either way and is joined in when a view is served.
 */
@Injectable()
export class RecordBuyerContactUseCase {
  constructor(private readonly contacts: BuyerContactsRepository) {}

  async execute(tx: TransactionContext, event: EnvelopeOf<'buyerContactRecorded'>): Promise<void> {
    const { buyer, shippingAddress } = event.payload.value;
    await this.contacts.recordGreeting(tx.manager, event.orderId, {
      firstName: buyer?.firstName ?? '',
      city: shippingAddress?.city ?? '',
    });
  }
}
