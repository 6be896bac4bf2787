import { getCountry, getTimezone } from 'countries-and-timezones';
import { MOST_POPULOUS_ZONES, PREDOMINANT_ZONES } from './country-zones';
import { regionTimeZone } from './region-zones';

/** Where someone or something is: a country and, where the country spans zones, its region. */
export interface Place {
  /** ISO 3166-1 alpha-2, any case. */
  countryCode?: string | null;
  /** A state, province or territory: its postal code (`TX`, `ON`, `NSW`) or English name. */
  region?: string | null;
}

function countryOf(place: Place | undefined): string | undefined {
  const code = place?.countryCode?.trim().toUpperCase();
  return code && /^[A-Z]{2}$/.test(code) ? code : undefined;
}

const runtimeZones = new Map<string, boolean>();

/** The runtime's ICU may lag tzdb by a release: a zone it cannot format is no answer. */
function runtimeKnows(zone: string): boolean {
  let known = runtimeZones.get(zone);
  if (known === undefined) {
    try {
      new Intl.DateTimeFormat('en', { timeZone: zone });
      known = true;
    } catch {
      known = false;
    }
    runtimeZones.set(zone, known);
  }
  return known;
}

/**
 * tzdb lists a country's zones alphabetically, with zones it only shares among them (Vietnam's
 * list starts with Asia/Bangkok), so after the table of multi-zone countries the first zone that
 * belongs to the country itself is taken, else the first listed.
 */
function countryTimeZone(country: string): string | undefined {
  if (Object.hasOwn(MOST_POPULOUS_ZONES, country)) return MOST_POPULOUS_ZONES[country];
  const zones = getCountry(country)?.timezones ?? [];
  return zones.find((zone) => getTimezone(zone)?.countries[0] === country) ?? zones[0];
}

/**
 * The one IANA zone to read a place in: its region's zone when the country has a region table
 * and the region is in it, else the country's zone (its only one, or the one most of its people
 * live in). Undefined without a usable country, or when the runtime does not know the zone.
 */
export function timeZoneOf(place: Place): string | undefined {
  const country = countryOf(place);
  if (!country) return undefined;
  const zone = regionTimeZone(country, place.region) ?? countryTimeZone(country);
  return zone !== undefined && runtimeKnows(zone) ? zone : undefined;
}

/**
 * The zones a local time at a place may be read in, for a caller that must not guess: exactly one
 * when the region or a predominant zone decides it, otherwise every zone tzdb lists for the
 * country (accept them only if they agree on the instant, which is how Vietnam's two listed
 * zones or Germany's Busingen resolve, and a US scan without its state does not), or none when
 * the country is unknown.
 */
export function candidateTimeZones(place: Place | undefined): string[] {
  const country = countryOf(place);
  if (!country) return [];
  const decided =
    regionTimeZone(country, place?.region) ??
    (Object.hasOwn(PREDOMINANT_ZONES, country) ? PREDOMINANT_ZONES[country] : undefined);
  const zones = decided !== undefined ? [decided] : (getCountry(country)?.timezones ?? []);
  return zones.filter(runtimeKnows);
}
