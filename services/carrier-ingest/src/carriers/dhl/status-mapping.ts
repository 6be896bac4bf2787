import { lookupStatus, UNKNOWN_PROGRESS, type StatusMapping, type StatusTable } from '../carrier-status';

/**
 * DHL Shipment Tracking - Unified. Every event has a coarse `statusCode` (the documented enum
 * pre-transit, transit, delivered, failure, unknown) and free text in `status` and
 * `description`. The statusCode alone cannot tell "out for delivery" from "arrived at hub" or a
 * failed attempt from a customs hold, so an event is read, most specific first, by:
 *
 * 1. `status` when it is a DHL Express checkpoint code (OK, WC, NH, CD, RT, …);
 * 2. the English event wording (DHL_EVENT_PHRASES), which is how DHL distinguishes events in
 *    this API;
 * 3. the statusCode (DHL_STATUS_CODES);
 * 4. in transit.
 */

/** The documented `statusCode` values. */
export const DHL_STATUS_CODES: StatusTable = {
  'pre-transit': { state: 'INFO_RECEIVED' },
  transit: { state: 'IN_TRANSIT' },
  delivered: { state: 'DELIVERED' },
  failure: { state: 'EXCEPTION', reason: 'OTHER' },
  unknown: { state: 'IN_TRANSIT' },
};

const moving: StatusMapping = { state: 'IN_TRANSIT' };
const customs: StatusMapping = { state: 'EXCEPTION', reason: 'CUSTOMS_HOLD' };
const delayed: StatusMapping = { state: 'EXCEPTION', reason: 'CARRIER_DELAY' };
const problem: StatusMapping = { state: 'EXCEPTION', reason: 'OTHER' };

/** DHL Express checkpoint codes. */
export const DHL_EXPRESS_CHECKPOINTS: StatusTable = {
  AD: moving, // Agreed delivery
  AF: moving, // Arrived facility
  AR: moving, // Arrival in delivery facility
  BA: { state: 'EXCEPTION', reason: 'ADDRESS_ISSUE' }, // Bad address
  BL: moving, // Bond location
  BN: moving, // Customer broker notified
  BR: moving, // Broker release
  CA: { state: 'DELIVERY_ATTEMPTED', reason: 'RECIPIENT_UNAVAILABLE' }, // Closed on arrival
  CC: { state: 'AVAILABLE_FOR_PICKUP' }, // Awaiting consignee collection
  CD: customs, // Controllable clearance delay
  CI: moving, // Facility check-in
  CM: { state: 'EXCEPTION', reason: 'ADDRESS_ISSUE' }, // Customer moved
  CR: moving, // Clearance release
  CS: moving, // Closed shipment
  CU: moving, // Confirm uplift
  DD: { state: 'DELIVERED', reason: 'DAMAGED' }, // Delivered damaged
  DF: moving, // Depart facility
  DI: moving, // Duty invoice
  DM: { state: 'EXCEPTION', reason: 'DAMAGED' }, // Damaged
  DP: customs, // Denied parties (export screening hold)
  DS: problem, // Destroyed / disposal
  ES: moving, // Entry submitted
  FD: moving, // Forward destination
  HI: problem, // Lodged into held inventory control
  HN: moving, // Handover
  HO: moving, // Lodged out of held inventory control
  HP: customs, // Held for payment (duties and taxes)
  IA: moving, // Image available
  IC: moving, // In clearance processing
  IR: delayed, // Incorrect route
  LV: moving, // Load vehicle
  MC: delayed, // Miscode
  MD: delayed, // Missed delivery cycle
  MS: delayed, // Mis-sort
  NA: delayed, // Not arrived
  ND: { state: 'DELIVERY_ATTEMPTED' }, // Not delivered
  NH: { state: 'DELIVERY_ATTEMPTED', reason: 'RECIPIENT_UNAVAILABLE' }, // Not home
  OH: problem, // On hold
  OK: { state: 'DELIVERED' }, // Delivery
  PD: problem, // Partial delivery (the other pieces are still out)
  PL: moving, // Processed at location
  PU: { state: 'PICKED_UP' }, // Shipment pick up
  PY: moving, // Payment
  RD: { state: 'EXCEPTION', reason: 'REFUSED' }, // Refused delivery
  RR: moving, // Response received
  RT: { state: 'RETURNED' }, // Returned to consignor
  RW: moving, // Weigh & dimension
  SA: { state: 'PICKED_UP' }, // Shipment acceptance
  SC: moving, // Service changed
  SI: moving, // Shipment inspection
  SM: moving, // Scheduled movement
  SS: problem, // Shipment stopped
  ST: problem, // Shipment intercept
  TD: delayed, // Transport delay
  TI: problem, // Trace initiated
  TP: moving, // Forwarded to third party
  TR: moving, // Record of transfer
  TT: moving, // Trace terminated
  UD: customs, // Uncontrollable clearance delay
  UV: moving, // Unload vehicle
  WC: { state: 'OUT_FOR_DELIVERY' }, // With delivering courier
  DUMMY_PU: { state: 'INFO_RECEIVED' }, // Shipment information received
};

/** DHL's English event wording, most specific first. */
export const DHL_EVENT_PHRASES: ReadonlyArray<readonly [RegExp, StatusMapping]> = [
  [
    /will be returned|being returned|on its way back to the sender|return to sender initiated/i,
    { state: 'RETURNING' },
  ],
  [
    /(has been )?returned to (the )?(sender|consignor|shipper)|delivered back to the sender/i,
    { state: 'RETURNED' },
  ],
  [
    /held by customs|customs (hold|inspection)|clearance delay|further clearance processing is required/i,
    customs,
  ],
  [
    /address (is )?(incomplete|incorrect|insufficient|unknown)|recipient (is )?unknown|bad address|customer moved/i,
    {
      state: 'EXCEPTION',
      reason: 'ADDRESS_ISSUE',
    },
  ],
  [/refused/i, { state: 'EXCEPTION', reason: 'REFUSED' }],
  [
    /not present|not at home|recipient was not available|closed on arrival/i,
    {
      state: 'DELIVERY_ATTEMPTED',
      reason: 'RECIPIENT_UNAVAILABLE',
    },
  ],
  [/delivery attempt|could not be delivered/i, { state: 'DELIVERY_ATTEMPTED' }],
  [
    /for pick-?up|available for pick-?up|ready for (pick-?up|collection)|awaiting (consignee )?collection/i,
    {
      state: 'AVAILABLE_FOR_PICKUP',
    },
  ],
  [/picked up by the (recipient|consignee)|^delivered\b|has been delivered/i, { state: 'DELIVERED' }],
  [
    /out (with courier )?for delivery|loaded onto the delivery vehicle|with delivering courier/i,
    {
      state: 'OUT_FOR_DELIVERY',
    },
  ],
  [/picked up|posted by the sender|shipment acceptance|accepted by dhl/i, { state: 'PICKED_UP' }],
];

export interface DhlEventStatus {
  statusCode?: string;
  status?: string;
  description?: string;
}

export function mapDhlEvent(event: DhlEventStatus): StatusMapping {
  const checkpoint = lookupStatus(DHL_EXPRESS_CHECKPOINTS, event.status?.trim().toUpperCase());
  if (checkpoint) return checkpoint;
  const wording = [event.status, event.description].filter((part) => part !== undefined).join(' | ');
  const phrase = DHL_EVENT_PHRASES.find(([pattern]) => pattern.test(wording));
  if (phrase) return phrase[1];
  return lookupStatus(DHL_STATUS_CODES, event.statusCode?.trim().toLowerCase()) ?? UNKNOWN_PROGRESS;
}
