/**
 * What tracking-api keeps that identifies or reaches a buyer, and how it is taken out when the
 * buyer is erased. Pure: no I/O.
 *
 * The buyer's first name and destination city come from order.buyer-contact-recorded and are
 * kept apart from the projection (tracking_api.buyer_contacts), joined in only when a view is
 * served: the projection is a function of facts on topics kept for good, which must not carry
 * them, and erasing them must not need a reprojection.
 *
 * Some stored facts carry personal data of their own, and the topics they come from are kept for
 * good, so an erased order's copies are scrubbed when erased and again whenever such a fact is
 * stored later (a late arrival, a redelivery or a rebuild):
 * - order.delivery-change-requested: the new address and the buyer's note;
 * - carrier.scan-recorded with a proof of delivery: who signed, the signature and photo links and
 *   where exactly it was left (coordinates, postal code), and the delivered scan's own text,
 *   which carriers fill with the signer's name.
 * order.received no longer carries any (its stored copies from before were rewritten by the
 * migration that made buyer_contacts), nor does a notification's detail, which notification
 * scrubs before publishing.
 */
import { isEnvelopeOf, type EventEnvelope } from '@tracking/events';
import type { PublicView } from './order-projection';

/** The only personal data the public view shows: how the page greets the buyer, and where it goes. */
export interface BuyerGreeting {
  firstName: string;
  city: string;
}

/** The view as projected, with the buyer's greeting joined in; none (unknown yet, or erased) leaves both blank. */
export function withBuyerGreeting(view: PublicView, greeting: BuyerGreeting | null): PublicView {
  return {
    ...view,
    buyer: { ...view.buyer, firstName: greeting?.firstName ?? '' },
    destination: { ...view.destination, city: greeting?.city ?? '' },
  };
}

/** The fact as it may be kept once its order's buyer is erased; the same object when nothing in it is personal. */
export function withoutPersonalData(event: EventEnvelope): EventEnvelope {
  if (isEnvelopeOf(event, 'deliveryChangeRequested')) {
    const { newAddress, note, ...rest } = event.payload.value;
    if (!newAddress && !note) return event;
    return { ...event, payload: { $case: 'deliveryChangeRequested', value: { ...rest, note: '' } } };
  }
  if (isEnvelopeOf(event, 'carrierScanRecorded')) {
    const scan = event.payload.value;
    const proof = scan.proofOfDelivery;
    if (!proof && scan.state !== 'DELIVERED') return event;
    const place = scan.location;
    const coarse = place ? { ...place, postalCode: '', latitude: undefined, longitude: undefined } : place;
    const value = {
      ...scan,
      rawDescription: scan.state === 'DELIVERED' ? '' : scan.rawDescription,
      location: scan.state === 'DELIVERED' ? coarse : place,
      ...(proof
        ? { proofOfDelivery: { signedBy: '', signatureUrl: '', photoUrl: '', leftAt: proof.leftAt } }
        : {}),
    };
    if (JSON.stringify(value) === JSON.stringify(scan)) return event;
    return { ...event, payload: { $case: 'carrierScanRecorded', value } };
  }
  return event;
}

/** Whether a fact holds anything `withoutPersonalData` would take out. */
export function carriesPersonalData(event: EventEnvelope): boolean {
  return withoutPersonalData(event) !== event;
}
