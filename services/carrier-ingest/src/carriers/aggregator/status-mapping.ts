import {
  lookupStatus,
  UNKNOWN_PROBLEM,
  UNKNOWN_PROGRESS,
  type StatusMapping,
  type StatusTable,
} from '../carrier-status';

/**
 * AfterShip delivery statuses (`tag`) and delivery sub-statuses (`subtag`), on the tracking and
 * on each checkpoint. The sub-status decides when known; an unknown sub-status reads as its tag
 * (the part before the underscore); an unknown tag reads as in transit.
 */

/** Delivery statuses. */
export const AFTERSHIP_TAGS: StatusTable = {
  Pending: { state: 'INFO_RECEIVED' },
  InfoReceived: { state: 'INFO_RECEIVED' },
  InTransit: { state: 'IN_TRANSIT' },
  OutForDelivery: { state: 'OUT_FOR_DELIVERY' },
  AttemptFail: { state: 'DELIVERY_ATTEMPTED' },
  Delivered: { state: 'DELIVERED' },
  AvailableForPickup: { state: 'AVAILABLE_FOR_PICKUP' },
  Exception: { state: 'EXCEPTION', reason: 'OTHER' },
  Expired: { state: 'EXPIRED' },
};

const pending: StatusMapping = { state: 'INFO_RECEIVED' };
const moving: StatusMapping = { state: 'IN_TRANSIT' };

/** Delivery sub-statuses. */
export const AFTERSHIP_SUBTAGS: StatusTable = {
  Pending_001: pending,
  Pending_002: pending,
  Pending_003: pending,
  Pending_004: pending,
  Pending_005: pending,
  Pending_006: pending,
  InfoReceived_001: { state: 'INFO_RECEIVED' }, // Info received
  InTransit_001: moving, // In transit
  InTransit_002: { state: 'PICKED_UP' }, // Acceptance scan
  InTransit_003: moving, // Arrival scan
  InTransit_004: moving, // Arrived at the destination country/region
  InTransit_005: moving, // Customs clearance completed
  InTransit_006: moving, // Customs clearance started
  InTransit_007: moving, // Departure scan
  InTransit_008: moving, // Problem resolved
  InTransit_009: moving, // Forwarded to a different delivery address
  InTransit_010: moving,
  InTransit_011: moving,
  InTransit_012: moving,
  InTransit_013: moving,
  OutForDelivery_001: { state: 'OUT_FOR_DELIVERY' }, // Out for delivery
  OutForDelivery_003: { state: 'OUT_FOR_DELIVERY' }, // Customer contacted
  OutForDelivery_004: { state: 'OUT_FOR_DELIVERY' }, // Delivery appointment scheduled
  AttemptFail_001: { state: 'DELIVERY_ATTEMPTED' }, // Failed attempt
  AttemptFail_002: { state: 'DELIVERY_ATTEMPTED', reason: 'RECIPIENT_UNAVAILABLE' }, // Addressee not available
  AttemptFail_003: { state: 'DELIVERY_ATTEMPTED', reason: 'RECIPIENT_UNAVAILABLE' }, // Business closed
  Delivered_001: { state: 'DELIVERED' }, // Delivered
  Delivered_002: { state: 'DELIVERED' }, // Picked up by the customer
  Delivered_003: { state: 'DELIVERED' }, // Signed by customer
  Delivered_004: { state: 'DELIVERED' }, // Delivered and cash collected on delivery
  Delivered_005: { state: 'DELIVERED' }, // Delivered to neighbor
  AvailableForPickup_001: { state: 'AVAILABLE_FOR_PICKUP' }, // Available for pickup
  Exception_001: { state: 'EXCEPTION', reason: 'OTHER' }, // Exception
  Exception_002: { state: 'EXCEPTION', reason: 'ADDRESS_ISSUE' }, // Customer moved
  Exception_003: { state: 'EXCEPTION', reason: 'REFUSED' }, // Customer refused delivery
  Exception_004: { state: 'EXCEPTION', reason: 'CUSTOMS_HOLD' }, // Delayed (customs clearance)
  Exception_005: { state: 'EXCEPTION', reason: 'CARRIER_DELAY' }, // Delayed (external factors)
  Exception_006: { state: 'EXCEPTION', reason: 'OTHER' }, // Held for payment
  Exception_007: { state: 'EXCEPTION', reason: 'ADDRESS_ISSUE' }, // Incorrect address
  Exception_008: { state: 'EXCEPTION', reason: 'OTHER' }, // Pick up missed
  Exception_009: { state: 'EXCEPTION', reason: 'OTHER' }, // Rejected by carrier
  Exception_010: { state: 'RETURNING' }, // Returning to sender
  Exception_011: { state: 'RETURNED' }, // Returned to sender
  Exception_012: { state: 'EXCEPTION', reason: 'DAMAGED' }, // Shipment damage
  Exception_013: { state: 'EXCEPTION', reason: 'LOST' }, // Shipment lost
  Exception_016: { state: 'EXCEPTION', reason: 'CARRIER_DELAY' }, // Delayed (processing issue)
  Exception_017: { state: 'EXCEPTION', reason: 'WEATHER_FORCE_MAJEURE' }, // Delayed (extreme weather)
  Exception_018: { state: 'EXCEPTION', reason: 'CUSTOMS_HOLD' }, // Incorrect / missing documents
  Expired_001: { state: 'EXPIRED' }, // No recent update
};

export function mapAfterShipStatus(tag: string | undefined, subtag: string | undefined): StatusMapping {
  const bySubtag = lookupStatus(AFTERSHIP_SUBTAGS, subtag);
  if (bySubtag) return bySubtag;
  const byTag = lookupStatus(AFTERSHIP_TAGS, tag) ?? lookupStatus(AFTERSHIP_TAGS, subtag?.split('_')[0]);
  if (byTag) return byTag;
  return /exception/i.test(`${tag ?? ''} ${subtag ?? ''}`) ? UNKNOWN_PROBLEM : UNKNOWN_PROGRESS;
}
