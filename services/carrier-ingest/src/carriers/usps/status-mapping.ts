import { lookupStatus, UNKNOWN_PROGRESS, type StatusMapping, type StatusTable } from '../carrier-status';

/**
 * USPS tracking event codes (`trackingEvents[].eventCode` in the Tracking 3.0 API), from the
 * USPS event code lists (Publication 97 Appendix I, Web Tools Track & Confirm) and the
 * USPS.com event scripting. The codes below are the ones whose meaning is documented; USPS has
 * many more internal scan codes, which read as IN_TRANSIT unless the event's own text says
 * otherwise (see USPS_EVENT_PHRASES).
 */
export const USPS_EVENT_CODES: StatusTable = {
  '01': { state: 'DELIVERED' }, // Delivered
  '02': { state: 'DELIVERY_ATTEMPTED' }, // Notice Left
  '03': { state: 'PICKED_UP' }, // Accept or Pickup
  '04': { state: 'EXCEPTION', reason: 'REFUSED' }, // Refused
  '05': { state: 'EXCEPTION', reason: 'ADDRESS_ISSUE' }, // Undeliverable as Addressed
  '06': { state: 'IN_TRANSIT' }, // Forwarded
  '07': { state: 'IN_TRANSIT' }, // Arrival at Unit
  '08': { state: 'EXCEPTION', reason: 'CARRIER_DELAY' }, // Missent
  '09': { state: 'RETURNING' }, // Return to Sender
  '10': { state: 'IN_TRANSIT' }, // Processed through USPS facility
  '11': { state: 'EXCEPTION', reason: 'OTHER' }, // Dead Letter
  '14': { state: 'AVAILABLE_FOR_PICKUP' }, // Arrival at Pickup Point
  '15': { state: 'EXCEPTION', reason: 'CARRIER_DELAY' }, // Mis-shipped
  '16': { state: 'AVAILABLE_FOR_PICKUP' }, // Available for Pickup
  '17': { state: 'DELIVERED' }, // Picked Up by Agent
  '21': { state: 'EXCEPTION', reason: 'ADDRESS_ISSUE' }, // No Such Number
  '22': { state: 'EXCEPTION', reason: 'ADDRESS_ISSUE' }, // Insufficient Address
  '23': { state: 'EXCEPTION', reason: 'ADDRESS_ISSUE' }, // Moved, Left No Address
  '24': { state: 'EXCEPTION', reason: 'ADDRESS_ISSUE' }, // Forward Expired
  '25': { state: 'EXCEPTION', reason: 'ADDRESS_ISSUE' }, // Addressee Unknown
  '26': { state: 'EXCEPTION', reason: 'ADDRESS_ISSUE' }, // Vacant
  '27': { state: 'EXCEPTION', reason: 'STORAGE_PERIOD_EXPIRED' }, // Unclaimed
  '28': { state: 'EXCEPTION', reason: 'OTHER' }, // Deceased
  '29': { state: 'RETURNING', reason: 'STORAGE_PERIOD_EXPIRED' }, // Return to Sender: Not Picked Up
  '43': { state: 'DELIVERED' }, // Picked Up (at the Post Office)
  '44': { state: 'RETURNING' }, // Customer Recall
  '51': { state: 'DELIVERY_ATTEMPTED', reason: 'RECIPIENT_UNAVAILABLE' }, // Business Closed
  '53': { state: 'DELIVERY_ATTEMPTED', reason: 'OTHER' }, // Notice Left (Receptacle Blocked)
  '54': { state: 'DELIVERY_ATTEMPTED', reason: 'OTHER' }, // Notice Left (Receptacle Full/Item Oversized)
  '55': { state: 'DELIVERY_ATTEMPTED', reason: 'OTHER' }, // Notice Left (No Secure Location Available)
  '56': { state: 'DELIVERY_ATTEMPTED', reason: 'RECIPIENT_UNAVAILABLE' }, // No Authorized Recipient Available
  '80': { state: 'PICKED_UP' }, // Picked Up by Shipping Partner
  '81': { state: 'IN_TRANSIT' }, // Arrived Shipping Partner Facility
  '82': { state: 'IN_TRANSIT' }, // Departed Shipping Partner Facility
  '83': { state: 'IN_TRANSIT' }, // Tendered to Postal Service (by the shipping partner)
  '89': { state: 'INFO_RECEIVED' }, // Merchant Order Receipt Notification, USPS Awaiting Item
  GX: { state: 'INFO_RECEIVED' }, // Shipping Label Created, USPS Awaiting Item
  MA: { state: 'INFO_RECEIVED' }, // Pre-Shipment Info Sent to USPS
  TM: { state: 'INFO_RECEIVED' }, // Shipment Received, Package Acceptance Pending
  OA: { state: 'PICKED_UP' }, // Origin Acceptance
  UA: { state: 'PICKED_UP' }, // Accepted at USPS Facility
  AD: { state: 'PICKED_UP' }, // Acceptance at Destination
  OF: { state: 'OUT_FOR_DELIVERY' }, // Out for Delivery
};

/**
 * For events whose code is missing or not in the table: the USPS.com event wording, first match
 * wins. International scans in particular often carry codes USPS does not publish.
 */
export const USPS_EVENT_PHRASES: ReadonlyArray<readonly [RegExp, StatusMapping]> = [
  [
    /held in customs|customs clearance delay|held by customs/i,
    { state: 'EXCEPTION', reason: 'CUSTOMS_HOLD' },
  ],
  [/^delivered\b/i, { state: 'DELIVERED' }],
  [/out for delivery/i, { state: 'OUT_FOR_DELIVERY' }],
  [/available for pickup/i, { state: 'AVAILABLE_FOR_PICKUP' }],
  [/notice left|delivery attempted/i, { state: 'DELIVERY_ATTEMPTED' }],
  [/return(ed)? to sender/i, { state: 'RETURNING' }],
  [
    /insufficient address|addressee unknown|no such number|undeliverable as addressed|vacant/i,
    {
      state: 'EXCEPTION',
      reason: 'ADDRESS_ISSUE',
    },
  ],
  [/shipping label created|pre-shipment info/i, { state: 'INFO_RECEIVED' }],
];

export function mapUspsEvent(eventCode: string | undefined, eventType: string | undefined): StatusMapping {
  const byCode = lookupStatus(USPS_EVENT_CODES, eventCode?.toUpperCase());
  if (byCode) return byCode;
  const phrase = eventType ? USPS_EVENT_PHRASES.find(([pattern]) => pattern.test(eventType)) : undefined;
  return phrase?.[1] ?? UNKNOWN_PROGRESS;
}
