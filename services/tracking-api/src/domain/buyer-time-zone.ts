import { getCountry, getTimezone } from 'countries-and-timezones';

/**
 * The time zone a buyer reads the tracking page in, from the country the order ships to: the
 * page shows no more of the address than city and country, so the country decides.
 *
 * tzdb lists a country's zones alphabetically and includes zones it only shares (Vietnam lists
 * Asia/Bangkok before Asia/Ho_Chi_Minh, the US starts with Adak in the Aleutians), so "the
 * first zone" is taken as: where most people live for the countries spanning several zones,
 * else the first zone that belongs to the country itself, else the first listed. No usable
 * country: UTC. Whatever is chosen is printed on the page, so an hour off is never silent.
 */
const PREDOMINANT: Readonly<Record<string, string>> = {
  US: 'America/New_York',
  CA: 'America/Toronto',
  AU: 'Australia/Sydney',
  BR: 'America/Sao_Paulo',
  RU: 'Europe/Moscow',
  MX: 'America/Mexico_City',
  ID: 'Asia/Jakarta',
  CN: 'Asia/Shanghai',
  KZ: 'Asia/Almaty',
  AR: 'America/Argentina/Buenos_Aires',
  ES: 'Europe/Madrid',
  PT: 'Europe/Lisbon',
  NZ: 'Pacific/Auckland',
  CL: 'America/Santiago',
  EC: 'America/Guayaquil',
  UA: 'Europe/Kyiv',
  MN: 'Asia/Ulaanbaatar',
};

export const FALLBACK_TIME_ZONE = 'UTC';

function knownToIntl(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

export function buyerTimeZone(countryCode: string | null | undefined): string {
  const country = countryCode?.trim().toUpperCase();
  if (!country || !/^[A-Z]{2}$/.test(country)) return FALLBACK_TIME_ZONE;
  const zones = getCountry(country)?.timezones ?? [];
  const zone =
    (Object.hasOwn(PREDOMINANT, country) ? PREDOMINANT[country] : undefined) ??
    zones.find((candidate) => getTimezone(candidate)?.countries[0] === country) ??
    zones[0];
  // The runtime's ICU may lag tzdb by a release; a zone it cannot format is no use to the page.
  return zone && knownToIntl(zone) ? zone : FALLBACK_TIME_ZONE;
}
