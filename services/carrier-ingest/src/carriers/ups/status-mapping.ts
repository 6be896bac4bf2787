import { lookupStatus, UNKNOWN_PROGRESS, type StatusMapping, type StatusTable } from '../carrier-status';

/**
 * UPS statuses. Every activity (Track API `activity[].status`, Track Alert `activityStatus`)
 * carries three codes:
 *
 * - `type`: the coarse class (Track Alert: D delivery, I on the way, M manifest, MV manifest void,
 *   U updated delivery date, X exception; the Track API adds P pickup, RS returned to shipper,
 *   O out for delivery, DO/DD freight CFS delivery, W warehousing, NA not available);
 * - `code`: a two-letter activity code (MP, OR, DP, YP, OT, FS, …), kept as the raw code but
 *   not published as a table by UPS;
 * - `statusCode` (Track API) / `descriptionCode` (Track Alert): the three-digit package status
 *   ("003" Shipment Ready for UPS, "005" On the Way, "011" Delivered, "021" Out for Delivery,
 *   "071" Preparing for Delivery, as in UPS's Track Alert examples).
 *
 * The three-digit status decides when known (it says "delivery attempted" or "customs" where the
 * type only says "exception"); otherwise the type (an unknown exception code still reads as an exception, since its type is
 * X); with neither known, the parcel is taken to be moving.
 */

const delivered: StatusMapping = { state: 'DELIVERED' };
const moving: StatusMapping = { state: 'IN_TRANSIT' };
const labelled: StatusMapping = { state: 'INFO_RECEIVED' };
const pickedUp: StatusMapping = { state: 'PICKED_UP' };
const outForDelivery: StatusMapping = { state: 'OUT_FOR_DELIVERY' };
const atPickupPoint: StatusMapping = { state: 'AVAILABLE_FOR_PICKUP' };
const attempted: StatusMapping = { state: 'DELIVERY_ATTEMPTED' };
const returning: StatusMapping = { state: 'RETURNING' };
const problem: StatusMapping = { state: 'EXCEPTION', reason: 'OTHER' };
const delayed: StatusMapping = { state: 'EXCEPTION', reason: 'CARRIER_DELAY' };
const weather: StatusMapping = { state: 'EXCEPTION', reason: 'WEATHER_FORCE_MAJEURE' };
const customs: StatusMapping = { state: 'EXCEPTION', reason: 'CUSTOMS_HOLD' };

/** The activity `type`. */
export const UPS_STATUS_TYPES: StatusTable = {
  D: delivered,
  I: moving,
  M: labelled,
  MV: { state: 'CANCELLED' },
  U: moving,
  X: problem,
  P: pickedUp,
  RS: { state: 'RETURNED' },
  O: outForDelivery,
  DO: moving,
  DD: moving,
  W: moving,
  NA: moving,
};

/**
 * The three-digit package status. "000" (Status Not Available) is deliberately absent: it says
 * nothing, so the type decides.
 */
export const UPS_PACKAGE_STATUSES: StatusTable = {
  '003': labelled, // Shipment Ready for UPS
  '005': moving, // On the Way
  '006': outForDelivery, // Out for Delivery
  '007': { state: 'CANCELLED' }, // Shipment Information Voided
  '010': moving, // On the Way
  '011': delivered, // Delivered
  '012': moving, // Clearance in Progress
  '013': problem, // Exception
  '014': moving, // Clearance Completed
  '016': moving, // In Warehouse
  '017': atPickupPoint, // Held for Customer Pickup
  '018': moving, // Delivery Change Requested: Hold for Pickup
  '019': moving, // Held for Future Delivery
  '020': moving, // Held for Future Delivery Requested
  '021': outForDelivery, // Out for Delivery
  '022': attempted, // First Attempt Made
  '023': attempted, // Second Delivery Attempted
  '024': attempted, // Final Attempt Made
  '025': moving, // On the Way
  '026': delivered, // Delivered by Local Post Office
  '027': moving, // Delivery Address Change Requested
  '028': moving, // Delivery Address Changed
  '029': problem, // Exception: Action Required
  '030': problem, // Local Post Office Exception
  '032': weather, // Adverse Weather May Cause Delay
  '033': returning, // Return to Sender Requested
  '034': { state: 'RETURNED' }, // Returned to Sender
  '035': returning, // Returning to Sender
  '036': returning, // Returning to Sender: In Transit
  '037': outForDelivery, // Out for Delivery
  '038': pickedUp, // Picked Up by UPS
  '039': moving, // On the Way
  '040': atPickupPoint, // Ready for Customer Pickup
  '041': moving, // Service Upgrade Requested
  '042': moving, // Service Upgraded
  '043': problem, // Voided Pickup
  '044': moving, // On the Way to UPS
  '045': moving, // On the Way to UPS
  '046': delayed, // Delay
  '047': moving, // On the Way
  '048': delayed, // Delay
  '049': problem, // Delay: Action Required
  '050': { state: 'EXCEPTION', reason: 'ADDRESS_ISSUE' }, // Address Information Required
  '051': weather, // Delay: Emergency Situation or Severe Weather
  '052': weather, // Delay: Severe Weather
  '053': weather, // Delay: Severe Weather
  '054': moving, // Delivery Change Requested
  '055': moving, // Rescheduled Delivery
  '056': moving, // Service Upgrade Requested
  '057': moving, // On the Way to a Local UPS Access Point
  '058': customs, // Clearance Information Required
  '059': { state: 'EXCEPTION', reason: 'DAMAGED' }, // Damage Reported
  '060': attempted, // Delivery Attempted
  '061': { state: 'DELIVERY_ATTEMPTED', reason: 'RECIPIENT_UNAVAILABLE' }, // Adult Signature Required
  '062': { state: 'DELIVERY_ATTEMPTED', reason: 'OTHER' }, // Delivery Attempted: Funds Required
  '063': moving, // Delivery Change Completed
  '064': { state: 'EXCEPTION', reason: 'REFUSED' }, // Delivery Refused
  '065': labelled, // Pickup Attempted
  '066': attempted, // Post Office Delivery Attempted
  '067': returning, // Returned to Sender by Post Office
  '068': { state: 'EXCEPTION', reason: 'LOST' }, // Sent to Lost and Found
  '069': problem, // Unable to Deliver
  '070': moving, // Package not at UPS Access Point yet
  '071': moving, // Preparing for Delivery
  '072': outForDelivery, // Loaded on Delivery Vehicle
  '073': moving, // In Transit to UPS Delivery Partner
  '074': moving, // UPS Delivery Partner has Shipment
  '075': moving, // Scheduled for Delivery
  '076': problem, // UPS Delivery Partner Exception
  '077': labelled, // Scheduled for Pickup Today
  '078': outForDelivery, // Your Driver is Arriving Soon!
  '079': labelled, // Order Processed: In Transit to UPS
  '080': labelled, // Order Processed: Ready for UPS
  '081': { state: 'RETURNING', reason: 'DAMAGED' }, // Returned - Damage Reported
  '082': moving, // Delivery Instructions Received
  '083': problem, // Held
  '084': moving, // Cleared
  '085': problem, // Held for COD Payment
  '086': delayed, // Delay
  '087': moving, // On the Way
  '088': labelled, // Test
  '089': outForDelivery, // Out for Delivery
  '090': delayed, // Delay
  '091': outForDelivery, // Out for Delivery
  '092': moving, // Customs Clearance in Progress
  '093': problem, // Premier Recovery In Progress
  '094': moving, // Premier Recovery Completed
  '095': moving, // Additional Attempt Requested
  '096': moving, // Address Change Confirmed
  '097': moving, // Address Change Requested
  '098': moving, // Deliver to Original Address Requested
  '099': moving, // Deliver to Original Address Confirmed
  '100': moving, // Hold at UPS Access Point Confirmed
  '101': moving, // Hold at UPS Access Point Requested
  '102': moving, // Hold for Courier Requested
  '103': moving, // Hold for Courier Confirmed
  '104': moving, // Hold for Instructions Confirmed
  '105': moving, // Hold for Instructions Requested
  '106': moving, // Hold for Pickup Confirmed
  '107': moving, // Hold for Pickup Requested
  '108': moving, // Hold for Pickup Today Confirmed
  '109': moving, // Hold for Pickup Today Requested
  '110': moving, // Refrigeration Confirmed
  '111': moving, // Refrigeration Requested
  '112': moving, // Re-Ice Confirmed
  '113': moving, // Re-Ice Requested
  '114': moving, // Request Canceled (a delivery-change request, not the shipment)
  '115': moving, // Reschedule Delivery Confirmed
  '116': moving, // Reschedule Delivery Requested
  '117': moving, // Return by Saturday Confirmed
  '118': returning, // Return to Sender Confirmed
  '119': returning, // Return to Sender Requested
  '120': moving, // Saturday Delivery Confirmed
  '121': moving, // Saturday Delivery Requested
  '122': moving, // Upgrade Confirmed
  '123': customs, // Pending Release From Non-UPS Broker
  '124': customs, // Clearance Information Needed
  '125': customs, // Clearance Information Needed
  '126': customs, // Pending Government Agency Release
  '127': problem, // Investigation Closed
  '128': problem, // Investigation Canceled
  '129': problem, // Investigation Opened
  '130': problem, // Claim in Progress
  '131': labelled, // Final Pickup Attempted
  '132': delayed, // Airport Security Delay
  '133': labelled, // Return Label Left With Customer
  '134': moving, // Cleared Import Customs
  '135': labelled, // Second Pickup Attempted
  '136': moving, // Delivery Rescheduled for Saturday
  '137': moving, // Transferred to UPS Delivery Partner
  '138': moving, // Awaiting Scheduled Departure
  '139': { state: 'DELIVERY_ATTEMPTED', reason: 'OTHER' }, // Security Access Required
  '140': problem, // Claim Paid
  '141': customs, // Incomplete Documentation Received
  '142': problem, // Claim Voided
  '143': moving, // Delivered to Agent (hand-over to a delivery agent)
  '144': atPickupPoint, // Delivered to Post Office for Pickup
  '145': attempted, // Delivery Attempted
  '146': outForDelivery, // Out for Delivery
  '147': problem, // Seized by Law Enforcement, No Longer in UPS possession
  '148': problem, // Package Information Unavailable
  '149': problem, // Prohibited Contents, Package Destroyed
  '153': moving, // Updated Delivery Time
  '154': moving, // Updated Delivery Date
  '155': delivered, // Delivery Photo
  '156': delivered, // Commercial Inside Release
  '157': labelled, // Shipment Ready for UPS
  '158': moving, // On the Way
  '159': moving, // On the Way
  '160': pickedUp, // We Have Your Package
  '161': atPickupPoint, // Delivered to UPS Access Point
  '162': outForDelivery, // Out for Delivery
  '163': problem, // Package Information Unavailable
  '164': moving, // On the Way
  '165': moving, // On the Way
  '166': labelled, // Shipment Ready for Roadie
  '167': pickedUp, // Dropped off at UPS Store by Customer
  '168': pickedUp, // Dropped off at Retail Location by Customer
  '169': pickedUp, // Dropped off at a UPS Access Point by Customer
};

export interface UpsStatus {
  type?: string;
  /** The two-letter activity code. */
  code?: string;
  /** The three-digit package status (statusCode / descriptionCode). */
  statusCode?: string;
}

/** "3" and "003" are one status: UPS pads it to three digits, some clients strip the zeros. */
function packageStatusKey(statusCode: string | undefined): string | undefined {
  return statusCode && /^\d{1,3}$/.test(statusCode) ? statusCode.padStart(3, '0') : statusCode;
}

export function mapUpsStatus(status: UpsStatus): StatusMapping {
  return (
    lookupStatus(UPS_PACKAGE_STATUSES, packageStatusKey(status.statusCode)) ??
    lookupStatus(UPS_STATUS_TYPES, status.type?.toUpperCase()) ??
    UNKNOWN_PROGRESS
  );
}
