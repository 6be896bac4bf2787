/** What decides whether a buyer may be reached on a channel: their choice, their address, their consent. */
export interface BuyerReachFacts {
  email: string | null;
  phone: string | null;
  emailChosen: boolean;
  smsChosen: boolean;
  smsConsentGranted: boolean;
  smsConsentRecordedAt: Date | null;
  erasedAt?: Date | null;
}

/** What says whether the order's record is whole: both halves come, apart, in either order. */
export interface BuyerRecordFacts {
  receivedAt: Date | null;
  contactRecordedAt: Date | null;
  erasedAt: Date | null;
}

/**
 * Whether a buyer message can be decided yet. The order (number, locale, time zone) and the
 * contact details travel on different topics; until both are here a message waits rather than
 * being skipped. An erased buyer is settled for good: there is nothing more to wait for.
 */
export function buyerRecordSettled(record: BuyerRecordFacts | undefined): boolean {
  if (!record) return false;
  return record.erasedAt !== null || (record.receivedAt !== null && record.contactRecordedAt !== null);
}

export const ERASED = 'the buyer’s personal data was erased at the merchant’s request';

export type Reach = { reachable: true } | { reachable: false; detail: string };

/**
 * Whether the buyer may get this message by email or SMS. SMS needs recorded consent, and a STOP
 * reply withdraws it until consent is given again later (a START reply, or a new checkout that
 * records it afresh).
 */
export function buyerReach(
  channel: 'email' | 'sms',
  contact: BuyerReachFacts | undefined,
  optedOutAt: Date | undefined,
): Reach {
  if (!contact) return { reachable: false, detail: 'no contact details known for the order' };
  if (contact.erasedAt) return { reachable: false, detail: ERASED };
  if (channel === 'email') {
    if (!contact.email) return { reachable: false, detail: 'the buyer gave no email address' };
    if (!contact.emailChosen) return { reachable: false, detail: 'the buyer did not choose email updates' };
    return { reachable: true };
  }
  if (!contact.phone) return { reachable: false, detail: 'the buyer gave no phone number' };
  if (!contact.smsChosen) return { reachable: false, detail: 'the buyer did not choose SMS updates' };
  const consentAfterStop =
    contact.smsConsentRecordedAt !== null &&
    optedOutAt !== undefined &&
    contact.smsConsentRecordedAt > optedOutAt;
  if (optedOutAt !== undefined && !consentAfterStop) {
    return { reachable: false, detail: 'the buyer replied STOP to SMS' };
  }
  if (!contact.smsConsentGranted)
    return { reachable: false, detail: 'no SMS consent recorded for the buyer' };
  return { reachable: true };
}
