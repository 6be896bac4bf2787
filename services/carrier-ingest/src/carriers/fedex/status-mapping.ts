import { lookupStatus, UNKNOWN_PROGRESS, type StatusMapping, type StatusTable } from '../carrier-status';
import type { CanonicalReasonCode } from '@tracking/events';

/**
 * FedEx scan event types (`scanEvents[].eventType` in the Track API, the same codes as the
 * TrackService status codes, with AE/AO added in the October 2021 change log).
 */
export const FEDEX_EVENT_TYPES: StatusTable = {
  AA: { state: 'IN_TRANSIT' }, // At airport
  AC: { state: 'IN_TRANSIT' }, // At Canada Post facility
  AD: { state: 'OUT_FOR_DELIVERY' }, // At delivery
  AE: { state: 'IN_TRANSIT' }, // Shipment arriving early
  AF: { state: 'IN_TRANSIT' }, // At local FedEx facility
  AO: { state: 'IN_TRANSIT' }, // Shipment arriving on-time
  AP: { state: 'INFO_RECEIVED' }, // At pickup
  AR: { state: 'IN_TRANSIT' }, // Arrived at FedEx location
  AX: { state: 'IN_TRANSIT' }, // At USPS facility
  CA: { state: 'CANCELLED' }, // Shipment cancelled
  CC: { state: 'IN_TRANSIT' }, // Cleared customs
  CD: { state: 'EXCEPTION', reason: 'CUSTOMS_HOLD' }, // Clearance delay
  CH: { state: 'IN_TRANSIT' }, // Location changed
  CP: { state: 'IN_TRANSIT' }, // Clearance in progress
  DD: { state: 'EXCEPTION', reason: 'CARRIER_DELAY' }, // Delivery delay
  DE: { state: 'DELIVERY_ATTEMPTED' }, // Delivery exception
  DL: { state: 'DELIVERED' }, // Delivered
  DP: { state: 'IN_TRANSIT' }, // Departed
  DR: { state: 'IN_TRANSIT' }, // Vehicle furnished but not used
  DS: { state: 'IN_TRANSIT' }, // Vehicle dispatched
  DY: { state: 'EXCEPTION', reason: 'CARRIER_DELAY' }, // Delay
  EA: { state: 'IN_TRANSIT' }, // Enroute to airport
  ED: { state: 'OUT_FOR_DELIVERY' }, // Enroute to delivery
  EO: { state: 'IN_TRANSIT' }, // Enroute to origin airport
  EP: { state: 'INFO_RECEIVED' }, // Enroute to pickup
  FD: { state: 'IN_TRANSIT' }, // At FedEx destination
  HL: { state: 'AVAILABLE_FOR_PICKUP' }, // Hold at location
  HP: { state: 'AVAILABLE_FOR_PICKUP' }, // Ready for recipient pickup
  IT: { state: 'IN_TRANSIT' }, // In transit
  IX: { state: 'IN_TRANSIT' }, // In transit (see details)
  LO: { state: 'IN_TRANSIT' }, // Left origin
  OC: { state: 'INFO_RECEIVED' }, // Order created (shipment information sent to FedEx)
  OD: { state: 'OUT_FOR_DELIVERY' }, // Out for delivery
  OF: { state: 'IN_TRANSIT' }, // At FedEx origin facility
  OX: { state: 'IN_TRANSIT' }, // Shipment information sent to USPS
  PD: { state: 'EXCEPTION', reason: 'CARRIER_DELAY' }, // Pickup delay
  PF: { state: 'IN_TRANSIT' }, // Plane in flight
  PL: { state: 'IN_TRANSIT' }, // Plane landed
  PM: { state: 'IN_TRANSIT' }, // In progress
  PU: { state: 'PICKED_UP' }, // Picked up
  PX: { state: 'PICKED_UP' }, // Picked up (see details)
  RR: { state: 'IN_TRANSIT' }, // Customer delivery option requested
  RM: { state: 'IN_TRANSIT' }, // Customer delivery option modified
  RC: { state: 'IN_TRANSIT' }, // Customer delivery option cancelled
  RS: { state: 'RETURNING' }, // Return to shipper
  RP: { state: 'INFO_RECEIVED' }, // Return label link emailed to return sender
  LP: { state: 'CANCELLED' }, // Return label link cancelled by shipment originator
  RG: { state: 'INFO_RECEIVED' }, // Return label link expiring soon
  RD: { state: 'EXPIRED' }, // Return label link expired
  SE: { state: 'EXCEPTION', reason: 'OTHER' }, // Shipment exception
  SF: { state: 'IN_TRANSIT' }, // At sort facility
  SP: { state: 'IN_TRANSIT' }, // Split status
  TR: { state: 'IN_TRANSIT' }, // Transfer
};

/**
 * Reasons from the FedEx exception code (`scanEvents[].exceptionCode`) on exception events (DE,
 * SE, DY, DD, PD, CD). Only codes with an unambiguous reason are listed; others keep the event
 * type's reason.
 */
export const FEDEX_EXCEPTION_REASONS: Readonly<Record<string, CanonicalReasonCode>> = {
  '03': 'ADDRESS_ISSUE', // Incorrect address
  '05': 'ADDRESS_ISSUE', // Unable to locate the address
  '07': 'REFUSED', // Refused by recipient
  '08': 'RECIPIENT_UNAVAILABLE', // Recipient not in / business closed
  '15': 'RECIPIENT_UNAVAILABLE', // Business closed
  '17': 'OTHER', // Customer requested future delivery
  '42': 'RECIPIENT_UNAVAILABLE', // Holiday, business closed
  '43': 'WEATHER_FORCE_MAJEURE', // Weather delay
  '55': 'CUSTOMS_HOLD', // Hold due to customs / documentation
};

const EXCEPTION_EVENTS = new Set(['DE', 'SE', 'DY', 'DD', 'PD', 'CD']);

/** "DEX03", "A03" and "03" are one exception code. */
function exceptionKey(code: string | undefined): string | undefined {
  const digits = code?.match(/(\d{1,3})$/)?.[1];
  return digits === undefined ? undefined : digits.padStart(2, '0');
}

export function mapFedexEvent(eventType: string | undefined, exceptionCode?: string): StatusMapping {
  const type = eventType?.toUpperCase();
  const mapping = lookupStatus(FEDEX_EVENT_TYPES, type) ?? UNKNOWN_PROGRESS;
  const key = exceptionKey(exceptionCode);
  if (
    type !== undefined &&
    EXCEPTION_EVENTS.has(type) &&
    key !== undefined &&
    Object.hasOwn(FEDEX_EXCEPTION_REASONS, key)
  ) {
    return { state: mapping.state, reason: FEDEX_EXCEPTION_REASONS[key] };
  }
  return mapping;
}
