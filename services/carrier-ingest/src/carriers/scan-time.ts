import { candidateTimeZones } from '@tracking/time-zones';
import { DateTime, FixedOffsetZone } from 'luxon';
import type { NormalizedScan, ScanLocation } from './carrier-adapter';

/**
 * Carriers write scan times in the scan's local time, with an offset (FedEx, most DHL) or
 * without (UPS date + time fields, USPS eventTimestamp, DHL Express, AfterShip checkpoints).
 * resolveScanTime turns such a text into an absolute instant:
 *
 * 1. an offset written in the text, else an offset the payload gives beside it (UPS gmtOffset,
 *    USPS GMTOffset, or one derived from a GMT time given alongside): 'offset';
 * 2. else the IANA zone of the scan's place (country, and the state or province where the
 *    country spans zones), with its daylight-saving rules for that date: 'location-time-zone';
 * 3. else the text is read as UTC: 'utc-assumed', so consumers know not to trust the hour.
 *
 * A wall time that does not exist (inside a spring-forward gap) is moved forward by the gap; one
 * that happens twice (the repeated hour in autumn) is read as standard time, its second occurrence.
 */

export type ScanTimeResolution = NormalizedScan['occurredAtResolution'];

/** 'iso': 2026-12-01T14:30:00[.sss][Z|±hh:mm]; 'compact': 20261201 143000 (UPS date + time). */
export type ScanTimeFormat = 'iso' | 'compact';

export interface ScanTimeHints {
  /** An offset the payload gives beside the time: "Z", "-05:00", "+0530", "-5". */
  offset?: string;
  location?: ScanLocation;
  format?: ScanTimeFormat;
}

export interface ResolvedScanTime {
  /** The instant, RFC 3339 in UTC ("…Z"). */
  occurredAt: string;
  /** The time exactly as given. */
  occurredAtText: string;
  occurredAtResolution: ScanTimeResolution;
}

/** The text is not a time in the expected format. */
export class ScanTimeError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ScanTimeError';
  }
}

interface WallTime {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
  millisecond: number;
}

const ISO_PATTERN =
  /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?)?\s*(Z|[+-]\d{2}(?::?\d{2})?)?$/i;
const COMPACT_PATTERN = /^(\d{4})(\d{2})(\d{2})(?:[ T]?(\d{3,6}))?$/;

function parseWallTime(text: string, format: ScanTimeFormat): { wall: WallTime; offset?: string } {
  const trimmed = text.trim();
  if (format === 'compact') {
    const match = COMPACT_PATTERN.exec(trimmed);
    if (!match) throw new ScanTimeError(`"${text}" is not a YYYYMMDD[ HHMMSS] time`);
    // UPS drops leading zeros from some times ("74700" for 07:47:00).
    const digits = (match[4] ?? '000000').padStart(match[4] && match[4].length <= 4 ? 4 : 6, '0');
    return {
      wall: {
        year: Number(match[1]),
        month: Number(match[2]),
        day: Number(match[3]),
        hour: Number(digits.slice(0, 2)),
        minute: Number(digits.slice(2, 4)),
        second: Number(digits.slice(4, 6) || '0'),
        millisecond: 0,
      },
    };
  }
  const match = ISO_PATTERN.exec(trimmed);
  if (!match) throw new ScanTimeError(`"${text}" is not an ISO 8601 date-time`);
  return {
    wall: {
      year: Number(match[1]),
      month: Number(match[2]),
      day: Number(match[3]),
      hour: Number(match[4] ?? 0),
      minute: Number(match[5] ?? 0),
      second: Number(match[6] ?? 0),
      millisecond: match[7] ? Number(match[7].slice(0, 3).padEnd(3, '0')) : 0,
    },
    offset: match[8],
  };
}

/** Minutes east of UTC for "Z", "±hh", "±hhmm" or "±hh:mm"; undefined for anything else. */
export function parseUtcOffset(offset: string | undefined): number | undefined {
  if (offset === undefined) return undefined;
  const text = offset.trim();
  if (/^z$/i.test(text)) return 0;
  const match = /^([+-])(\d{1,2})(?::?(\d{2}))?$/.exec(text);
  if (!match) return undefined;
  const minutes = Number(match[2]) * 60 + Number(match[3] ?? 0);
  if (Number(match[3] ?? 0) >= 60 || minutes > 14 * 60) return undefined;
  return match[1] === '-' ? -minutes : minutes;
}

/** "+07:00" for 420. */
export function formatUtcOffset(minutes: number): string {
  const sign = minutes < 0 ? '-' : '+';
  const abs = Math.abs(minutes);
  return `${sign}${String(Math.floor(abs / 60)).padStart(2, '0')}:${String(abs % 60).padStart(2, '0')}`;
}

/**
 * The offset a payload implies by giving both a local and a GMT/UTC wall time for one scan
 * (UPS gmtDate/gmtTime, USPS GMTTimestamp), or undefined when the two do not differ by a whole
 * quarter hour within ±14 h (a sign that one of them is not what it claims).
 */
export function offsetBetween(
  localText: string,
  utcText: string,
  format: ScanTimeFormat = 'iso',
): string | undefined {
  try {
    const local = parseWallTime(localText, format).wall;
    const utc = parseWallTime(utcText, format).wall;
    const asUtc = (wall: WallTime) =>
      Date.UTC(wall.year, wall.month - 1, wall.day, wall.hour, wall.minute, wall.second);
    const minutes = (asUtc(local) - asUtc(utc)) / 60_000;
    if (!Number.isInteger(minutes) || minutes % 15 !== 0 || Math.abs(minutes) > 14 * 60) return undefined;
    return formatUtcOffset(minutes);
  } catch {
    return undefined;
  }
}

function inZone(wall: WallTime, zone: string | FixedOffsetZone, text: string): DateTime {
  const time = DateTime.fromObject(wall, { zone });
  if (!time.isValid)
    throw new ScanTimeError(`"${text}" is not a valid time (${time.invalidExplanation ?? ''})`);
  return time;
}

function utcIso(time: DateTime): string {
  return time.toUTC().toISO({ suppressMilliseconds: true })!;
}

export function resolveScanTime(text: string, hints: ScanTimeHints = {}): ResolvedScanTime {
  const { wall, offset: textOffset } = parseWallTime(text, hints.format ?? 'iso');
  const resolved = (time: DateTime, occurredAtResolution: ScanTimeResolution): ResolvedScanTime => ({
    occurredAt: utcIso(time),
    occurredAtText: text,
    occurredAtResolution,
  });

  for (const offset of [textOffset, hints.offset]) {
    const minutes = parseUtcOffset(offset);
    if (minutes !== undefined)
      return resolved(inZone(wall, FixedOffsetZone.instance(minutes), text), 'offset');
  }

  const instants = new Set<string>();
  let first: DateTime | undefined;
  for (const zone of candidateTimeZones(hints.location)) {
    const time = DateTime.fromObject(wall, { zone });
    if (!time.isValid) continue;
    first ??= time;
    instants.add(utcIso(time));
  }
  if (first && instants.size === 1) return resolved(first, 'location-time-zone');

  return resolved(inZone(wall, FixedOffsetZone.utcInstance, text), 'utc-assumed');
}
