/**
 * The delivery window: at order time from the centre's production time and a transit-time
 * table per carrier, service level and destination, then revised on every event. Pure: the
 * caller says what is known and what time it is.
 */
import { TrackingError } from '@tracking/errors';

export interface TransitTime {
  carrier?: string;
  serviceLevel?: string;
  destinationCountry?: string;
  minDays: number;
  maxDays: number;
}

/** What the table says when a carrier is not in it: slow enough not to disappoint. */
const FALLBACK: TransitTime = { minDays: 3, maxDays: 10 };

/** Published service standards, rounded to whole days; platform teams override per lane. */
export const DEFAULT_TRANSIT_TABLE: readonly TransitTime[] = [
  { carrier: 'ups', minDays: 1, maxDays: 5 },
  { carrier: 'ups', serviceLevel: 'Next Day Air', minDays: 1, maxDays: 1 },
  { carrier: 'ups', serviceLevel: '2nd Day Air', minDays: 2, maxDays: 2 },
  { carrier: 'usps', minDays: 2, maxDays: 5 },
  { carrier: 'usps', serviceLevel: 'Priority Mail Express', minDays: 1, maxDays: 2 },
  { carrier: 'fedex', minDays: 1, maxDays: 5 },
  { carrier: 'dhl', minDays: 2, maxDays: 6 },
];

export interface EstimateInput {
  receivedAt: Date;
  productionDays: number;
  packedAt: Date | null;
  firstCarrierScanAt: Date | null;
  outForDeliveryAt: Date | null;
  deliveredAt: Date | null;
  /** The carrier's own estimate, when its latest scan gave one. */
  carrierEstimate: Date | null;
  /** The most recent exception still active, which pushes the window out. */
  activeExceptionAt: Date | null;
  carrier: string | null;
  serviceLevel: string | null;
  destinationCountry: string | null;
  promisedDate: string | null;
}

export interface DeliveryWindow {
  from: Date;
  to: Date;
  /** The window has passed without delivery. */
  late: boolean;
}

const DAY = 86_400_000;

function startOfDay(at: Date): Date {
  return new Date(Date.UTC(at.getUTCFullYear(), at.getUTCMonth(), at.getUTCDate()));
}

function endOfDay(at: Date): Date {
  return new Date(startOfDay(at).getTime() + DAY - 1);
}

function addDays(at: Date, days: number): Date {
  return new Date(at.getTime() + days * DAY);
}

/** The most specific entry matching carrier, service level and destination. */
export function transitTime(
  table: readonly TransitTime[],
  input: Pick<EstimateInput, 'carrier' | 'serviceLevel' | 'destinationCountry'>,
): TransitTime {
  const same = (wanted: string | undefined, actual: string | null) =>
    wanted === undefined || (actual !== null && wanted.toLowerCase() === actual.toLowerCase());
  let best: { entry: TransitTime; score: number } | undefined;
  for (const entry of table) {
    if (!same(entry.carrier, input.carrier) || !same(entry.serviceLevel, input.serviceLevel)) continue;
    if (!same(entry.destinationCountry, input.destinationCountry)) continue;
    const score = (entry.carrier ? 1 : 0) + (entry.serviceLevel ? 2 : 0) + (entry.destinationCountry ? 4 : 0);
    // Later entries (configured ones come after the built-in table) win ties.
    if (!best || score >= best.score) best = { entry, score };
  }
  return best?.entry ?? FALLBACK;
}

export function estimateDeliveryWindow(
  input: EstimateInput,
  table: readonly TransitTime[],
  now: Date,
): DeliveryWindow {
  const transit = transitTime(table, input);
  let from: Date;
  let to: Date;
  if (input.deliveredAt) {
    from = startOfDay(input.deliveredAt);
    to = endOfDay(input.deliveredAt);
  } else if (input.outForDeliveryAt) {
    from = startOfDay(input.outForDeliveryAt);
    to = endOfDay(input.outForDeliveryAt);
  } else if (input.carrierEstimate) {
    from = startOfDay(input.carrierEstimate);
    to = endOfDay(input.carrierEstimate);
  } else if (input.firstCarrierScanAt) {
    from = startOfDay(addDays(input.firstCarrierScanAt, transit.minDays));
    to = endOfDay(addDays(input.firstCarrierScanAt, transit.maxDays));
  } else {
    // Not with the carrier yet: production (unless done), a day to be picked up, then transit.
    const readyAt = input.packedAt ?? addDays(input.receivedAt, input.productionDays);
    const pickedUp = addDays(readyAt, 1);
    from = startOfDay(addDays(pickedUp, transit.minDays));
    to = endOfDay(addDays(pickedUp, transit.maxDays));
  }
  if (input.activeExceptionAt && !input.deliveredAt) {
    // An exception costs at least a couple of days from when it happened; never a window in the past.
    const earliest = startOfDay(addDays(input.activeExceptionAt, 1));
    if (from < earliest) from = earliest;
    const latest = endOfDay(addDays(input.activeExceptionAt, 3));
    if (to < latest) to = latest;
  }
  const late = !input.deliveredAt && now.getTime() > to.getTime();
  return { from, to, late };
}

/** Parses the configured transit table and per-centre production days, naming the variable at fault. */
export function parseEtaSettings(transitJson: string | undefined, productionJson: string | undefined) {
  const transit = transitJson ? parseJson<TransitTime[]>('ETA_TRANSIT_TABLE', transitJson) : [];
  if (!Array.isArray(transit) || transit.some((entry) => !validTransit(entry))) {
    throw new TrackingError(
      'CONFIG_INVALID',
      'ETA_TRANSIT_TABLE must be a JSON array of {carrier?, serviceLevel?, destinationCountry?, minDays, maxDays}',
    );
  }
  const production = productionJson
    ? parseJson<Record<string, number>>('ETA_PRODUCTION_DAYS_BY_CENTRE', productionJson)
    : {};
  if (
    typeof production !== 'object' ||
    Array.isArray(production) ||
    Object.values(production).some((days) => !Number.isInteger(days) || days < 0)
  ) {
    throw new TrackingError(
      'CONFIG_INVALID',
      'ETA_PRODUCTION_DAYS_BY_CENTRE must be a JSON object of centre id to whole days',
    );
  }
  return { transitTable: [...DEFAULT_TRANSIT_TABLE, ...transit], productionDaysByCentre: production };
}

function validTransit(entry: unknown): entry is TransitTime {
  if (typeof entry !== 'object' || entry === null) return false;
  const { minDays, maxDays } = entry as TransitTime;
  return Number.isInteger(minDays) && Number.isInteger(maxDays) && minDays >= 0 && maxDays >= minDays;
}

function parseJson<T>(name: string, text: string): T {
  try {
    return JSON.parse(text) as T;
  } catch {
    throw new TrackingError('CONFIG_INVALID', `${name} is not valid JSON`);
  }
}
