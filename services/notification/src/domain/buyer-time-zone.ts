import { getCountry } from 'countries-and-timezones';

/**
 * The buyer's time zone, for quiet hours, read from where the order ships to: the buyer is
 * usually there when a message about its delivery arrives. The rule, in order:
 *
 * 1. Countries that span zones where the region decides it (US states, Canadian provinces,
 *    Australian states, Brazilian states), by code or English name.
 * 2. Otherwise the zone most of the country's people live in (e.g. Russia: Moscow; the US without a
 *    state: New York).
 * 3. Otherwise the country's one zone, or the first zone the tz database lists for it.
 * 4. No usable country: the merchant's time zone (settings), decided at send time.
 *
 * An hour off in a large country means a message at 07:00 instead of 08:00, never one at 03:00
 * for a whole country, which is the harm quiet hours exist to prevent.
 */

// prettier-ignore
const US: Readonly<Record<string, string>> = {
  AL: 'America/Chicago', AK: 'America/Anchorage', AZ: 'America/Phoenix', AR: 'America/Chicago',
  CA: 'America/Los_Angeles', CO: 'America/Denver', CT: 'America/New_York', DE: 'America/New_York',
  DC: 'America/New_York', FL: 'America/New_York', GA: 'America/New_York', HI: 'Pacific/Honolulu',
  ID: 'America/Boise', IL: 'America/Chicago', IN: 'America/Indiana/Indianapolis', IA: 'America/Chicago',
  KS: 'America/Chicago', KY: 'America/New_York', LA: 'America/Chicago', ME: 'America/New_York',
  MD: 'America/New_York', MA: 'America/New_York', MI: 'America/Detroit', MN: 'America/Chicago',
  MS: 'America/Chicago', MO: 'America/Chicago', MT: 'America/Denver', NE: 'America/Chicago',
  NV: 'America/Los_Angeles', NH: 'America/New_York', NJ: 'America/New_York', NM: 'America/Denver',
  NY: 'America/New_York', NC: 'America/New_York', ND: 'America/Chicago', OH: 'America/New_York',
  OK: 'America/Chicago', OR: 'America/Los_Angeles', PA: 'America/New_York', RI: 'America/New_York',
  SC: 'America/New_York', SD: 'America/Chicago', TN: 'America/Chicago', TX: 'America/Chicago',
  UT: 'America/Denver', VT: 'America/New_York', VA: 'America/New_York', WA: 'America/Los_Angeles',
  WV: 'America/New_York', WI: 'America/Chicago', WY: 'America/Denver', PR: 'America/Puerto_Rico',
};

// prettier-ignore
const US_NAMES: Readonly<Record<string, string>> = {
  ALABAMA: 'AL', ALASKA: 'AK', ARIZONA: 'AZ', ARKANSAS: 'AR', CALIFORNIA: 'CA', COLORADO: 'CO',
  CONNECTICUT: 'CT', DELAWARE: 'DE', 'DISTRICT OF COLUMBIA': 'DC', FLORIDA: 'FL', GEORGIA: 'GA',
  HAWAII: 'HI', IDAHO: 'ID', ILLINOIS: 'IL', INDIANA: 'IN', IOWA: 'IA', KANSAS: 'KS', KENTUCKY: 'KY',
  LOUISIANA: 'LA', MAINE: 'ME', MARYLAND: 'MD', MASSACHUSETTS: 'MA', MICHIGAN: 'MI', MINNESOTA: 'MN',
  MISSISSIPPI: 'MS', MISSOURI: 'MO', MONTANA: 'MT', NEBRASKA: 'NE', NEVADA: 'NV', 'NEW HAMPSHIRE': 'NH',
  'NEW JERSEY': 'NJ', 'NEW MEXICO': 'NM', 'NEW YORK': 'NY', 'NORTH CAROLINA': 'NC', 'NORTH DAKOTA': 'ND',
  OHIO: 'OH', OKLAHOMA: 'OK', OREGON: 'OR', PENNSYLVANIA: 'PA', 'RHODE ISLAND': 'RI',
  'SOUTH CAROLINA': 'SC', 'SOUTH DAKOTA': 'SD', TENNESSEE: 'TN', TEXAS: 'TX', UTAH: 'UT', VERMONT: 'VT',
  VIRGINIA: 'VA', WASHINGTON: 'WA', 'WEST VIRGINIA': 'WV', WISCONSIN: 'WI', WYOMING: 'WY',
  'PUERTO RICO': 'PR',
};

// prettier-ignore
const CA: Readonly<Record<string, string>> = {
  AB: 'America/Edmonton', BC: 'America/Vancouver', MB: 'America/Winnipeg', NB: 'America/Moncton',
  NL: 'America/St_Johns', NS: 'America/Halifax', NT: 'America/Edmonton', NU: 'America/Iqaluit',
  ON: 'America/Toronto', PE: 'America/Halifax', QC: 'America/Toronto', SK: 'America/Regina',
  YT: 'America/Whitehorse',
};

// prettier-ignore
const AU: Readonly<Record<string, string>> = {
  NSW: 'Australia/Sydney', ACT: 'Australia/Sydney', VIC: 'Australia/Melbourne', QLD: 'Australia/Brisbane',
  SA: 'Australia/Adelaide', WA: 'Australia/Perth', TAS: 'Australia/Hobart', NT: 'Australia/Darwin',
};

// prettier-ignore
const BR: Readonly<Record<string, string>> = {
  AC: 'America/Rio_Branco', AM: 'America/Manaus', RO: 'America/Porto_Velho', RR: 'America/Boa_Vista',
  MT: 'America/Cuiaba', MS: 'America/Campo_Grande', PA: 'America/Belem', AP: 'America/Belem',
};

const REGION_TABLES: Readonly<
  Record<string, { zones: Readonly<Record<string, string>>; names?: Readonly<Record<string, string>> }>
> = {
  US: { zones: US, names: US_NAMES },
  CA: { zones: CA },
  AU: { zones: AU },
  BR: { zones: BR },
};

const PREDOMINANT: Readonly<Record<string, string>> = {
  US: 'America/New_York',
  CA: 'America/Toronto',
  AU: 'Australia/Sydney',
  BR: 'America/Sao_Paulo',
  RU: 'Europe/Moscow',
  MX: 'America/Mexico_City',
  ID: 'Asia/Jakarta',
  CN: 'Asia/Shanghai',
  VN: 'Asia/Ho_Chi_Minh',
  ES: 'Europe/Madrid',
  PT: 'Europe/Lisbon',
  NZ: 'Pacific/Auckland',
  CL: 'America/Santiago',
  EC: 'America/Guayaquil',
  UA: 'Europe/Kyiv',
  KZ: 'Asia/Almaty',
  MN: 'Asia/Ulaanbaatar',
  AR: 'America/Argentina/Buenos_Aires',
  DE: 'Europe/Berlin',
};

/** The buyer's IANA zone from the shipping address, or null when the country is unknown. */
export function buyerTimeZone(countryCode: string | undefined, region: string | undefined): string | null {
  const country = countryCode?.trim().toUpperCase();
  if (!country) return null;
  const table = REGION_TABLES[country];
  if (table && region) {
    const key = region.trim().toUpperCase().replace(/\s+/g, ' ');
    const code = Object.hasOwn(table.zones, key) ? key : table.names?.[key];
    if (code && table.zones[code]) return table.zones[code];
  }
  if (Object.hasOwn(PREDOMINANT, country)) return PREDOMINANT[country]!;
  const zones = getCountry(country)?.timezones ?? [];
  return zones[0] ?? null;
}
