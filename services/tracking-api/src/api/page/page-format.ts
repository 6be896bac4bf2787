import type { PlaceView } from '../../domain/order-projection';
import type { PageLocale } from './messages/catalogue';

/**
 * Dates, times and places as the buyer reads them: in the page's language and the buyer's time
 * zone. Formatters are built once per render (Intl constructors are the expensive part).
 */
export class PageFormat {
  private readonly dateTime: Intl.DateTimeFormat;
  private readonly shortDateTime: Intl.DateTimeFormat;
  private readonly day: Intl.DateTimeFormat;
  private readonly regions: Intl.DisplayNames | undefined;

  constructor(
    readonly locale: PageLocale,
    readonly timeZone: string,
  ) {
    this.dateTime = new Intl.DateTimeFormat(locale, { timeZone, dateStyle: 'medium', timeStyle: 'short' });
    this.shortDateTime = new Intl.DateTimeFormat(locale, {
      timeZone,
      day: 'numeric',
      month: 'short',
      hour: '2-digit',
      minute: '2-digit',
    });
    // Delivery windows are whole calendar days (delivery-estimate.ts computes them as UTC days):
    // read in the buyer's zone, their edges would spill into the neighbouring day.
    this.day = new Intl.DateTimeFormat(locale, {
      timeZone: 'UTC',
      weekday: 'short',
      day: 'numeric',
      month: 'short',
    });
    try {
      this.regions = new Intl.DisplayNames([locale], { type: 'region', fallback: 'code' });
    } catch {
      this.regions = undefined;
    }
  }

  /** e.g. "Dec 14, 2026, 2:05 PM"; an unreadable timestamp is shown as it came. */
  dateTimeOf(iso: string): string {
    const at = new Date(iso);
    return Number.isNaN(at.getTime()) ? iso : this.dateTime.format(at);
  }

  /** e.g. "Dec 14, 02:05 PM", for the milestone list. */
  shortDateTimeOf(iso: string): string {
    const at = new Date(iso);
    return Number.isNaN(at.getTime()) ? iso : this.shortDateTime.format(at);
  }

  /** e.g. "Mon, Dec 14 – Thu, Dec 17", or one day when the window is a single day. */
  windowOf(window: { from: string; to: string }): string {
    const from = new Date(window.from);
    const to = new Date(window.to);
    if (Number.isNaN(from.getTime()) || Number.isNaN(to.getTime())) return `${window.from} – ${window.to}`;
    return this.day.formatRange(from, to);
  }

  /** The zone as printed under the page, e.g. "Asia/Ho_Chi_Minh (GMT+7)". */
  zoneName(at = new Date()): string {
    const offset = new Intl.DateTimeFormat(this.locale, {
      timeZone: this.timeZone,
      timeZoneName: 'shortOffset',
    })
      .formatToParts(at)
      .find((part) => part.type === 'timeZoneName')?.value;
    return offset && this.timeZone !== 'UTC' ? `${this.timeZone} (${offset})` : this.timeZone;
  }

  /** "Da Nang, Vietnam": city, region and the country's name in the page's language. */
  placeOf(place: PlaceView | null | undefined): string | null {
    if (!place) return null;
    const country = place.countryCode ? this.countryName(place.countryCode) : undefined;
    const parts = [place.city, place.region, country].filter((part): part is string => Boolean(part));
    return parts.length > 0 ? parts.join(', ') : null;
  }

  private countryName(code: string): string {
    try {
      return this.regions?.of(code.toUpperCase()) ?? code;
    } catch {
      return code;
    }
  }
}
