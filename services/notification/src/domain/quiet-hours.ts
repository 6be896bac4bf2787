import { DateTime } from 'luxon';

/** Local wall-clock times, `HH:mm`, in the buyer's zone; `start` after `end` spans midnight. */
export interface QuietHours {
  start: string;
  end: string;
}

export const CLOCK_TIME = /^([01]\d|2[0-3]):[0-5]\d$/;

function minutesOf(clock: string): number {
  const [hours, minutes] = clock.split(':').map(Number) as [number, number];
  return hours * 60 + minutes;
}

/**
 * The first instant at or after `now` outside the quiet hours in `timeZone`: `now` itself when it
 * is not quiet there, otherwise the end of the quiet period (the next morning for overnight
 * hours). Wall-clock arithmetic is luxon's, so a quiet period that spans a daylight-saving change
 * still ends at the local time it names (a local time skipped by the change moves forward).
 */
export function nextSendableInstant(now: Date, timeZone: string, quiet: QuietHours | null): Date {
  if (!quiet) return now;
  const start = minutesOf(quiet.start);
  const end = minutesOf(quiet.end);
  if (start === end) return now;
  const local = DateTime.fromJSDate(now, { zone: timeZone });
  if (!local.isValid) return now;
  const minute = local.hour * 60 + local.minute;
  const overnight = start > end;
  const quietNow = overnight ? minute >= start || minute < end : minute >= start && minute < end;
  if (!quietNow) return now;
  const endToday = local.set({ hour: Math.floor(end / 60), minute: end % 60, second: 0, millisecond: 0 });
  const resume = overnight && minute >= start ? endToday.plus({ days: 1 }) : endToday;
  return resume.toJSDate();
}

export function isValidTimeZone(zone: string): boolean {
  return DateTime.local().setZone(zone).isValid;
}
