import fc from 'fast-check';
import { CARRIER_CODES, type CarrierCode } from './carriers';
import type { TrackingNumberFormat } from './formats';
import { detectCarriers, validateTrackingNumber } from './validate';

interface Example {
  number: string;
  carrier: CarrierCode;
  format: TrackingNumberFormat;
  /** What `normalized` becomes when it differs from the number (routing prefix dropped). */
  trackingNumber?: string;
}

const examples = (carrier: CarrierCode, format: TrackingNumberFormat, numbers: string[]): Example[] =>
  numbers.map((number) => ({ number, carrier, format }));

// Published sample numbers, each verified against the algorithm in check-digits.ts: UPS's
// sample and developer-kit test numbers, FedEx web-services test numbers, the samples collected
// in jkeen/tracking_number_data, other sample numbers in common circulation, and the UPU S10
// worked example.
// Left out because their check digits do not verify: 1Z12345E0205271688 (a UPS developer-kit
// test number; the check digit computes to 6), 9400111899223397623910 (computes to 3) and
// 1234567895 (DHL; computes to 1).
const PUBLISHED: Example[] = [
  ...examples('ups', 'ups-1z', [
    '1Z999AA10123456784', // UPS's sample number
    '1Z12345E6605272234', // UPS developer-kit test numbers
    '1Z12345E1512345676',
    '1ZWX0692YP40636269',
    '1Z5R89390357567127',
    '1Z879E930346834440',
    '1Z410E7W0392751591',
    '1Z8V92A70367203024',
  ]),
  ...examples('usps', 'usps-impb', [
    '9400111202555842332669', // the ts-tracking-number README sample
    '9400111201080805483016',
    '9405803699300124287899',
    '9361289878700317633795',
    '9505511069605048600624',
    '9101123456789000000013',
    '92748931507708513018050063', // 26 digits: 9-digit mailer ID, 11-digit serial
  ]),
  {
    number: '420221539101026837331000039521', // 420 + ZIP 22153 + IMpb
    carrier: 'usps',
    format: 'usps-impb-routed',
    trackingNumber: '9101026837331000039521',
  },
  {
    number: '4201002334249200190132607600833457', // 420 + ZIP+4 10023-3424 + IMpb
    carrier: 'usps',
    format: 'usps-impb-routed',
    trackingNumber: '9200190132607600833457',
  },
  ...examples('usps', 'usps-20', [
    '03071790000523483741', // check digit over the 19 digits
    '71123456789123456787',
    '71969010756003077385', // check digit with the implied application identifier 91
  ]),
  // Serial 12345678 as in the S10 samples (RB123456785GB), and the UPU worked example 47312482.
  ...examples('usps', 'usps-s10', ['EC123456785US', 'RA123456785US', 'CP123456785US', 'RR473124829US']),
  ...examples('fedex', 'fedex-express-12', [
    '986578788855',
    '477179081230',
    '799531274483',
    '790535312317',
    '974367662710',
    '568838414941', // FedEx web-services test numbers
    '797806677146',
    '123456789012', // widely used placeholder; its check digit happens to hold
    '797843158299',
  ]),
  ...examples('fedex', 'fedex-ground-15', [
    '041441760228964',
    '568283610012000',
    '568283610012734',
    '449044304137821', // FedEx web-services test numbers
    '149331877648230',
    '020207021381215',
    '403934084723025',
  ]),
  ...examples('fedex', 'fedex-ground-96', ['9611020987654312345672', '9612019059803563050071']),
  ...examples('fedex', 'fedex-smartpost-20', ['61299998820821171811', '61299995669352455464']),
  ...examples('fedex', 'fedex-smartpost-22', ['9261292700768711948021']),
  ...examples('dhl', 'dhl-express-10', [
    '3318810025',
    '3318810036',
    '3318810014',
    '8487135506',
    '1099255990',
    '3821724944',
  ]),
];

/** IMpb numbers with application identifier 92: both USPS and FedEx SmartPost use them. */
const AMBIGUOUS = new Set(['9261292700768711948021', '4201002334249200190132607600833457']);

/** The number with its last digit moved by 5: wrong for its own format and for every neighbour. */
function corruptCheckDigit(number: string): string {
  return number.slice(0, -1) + String((Number(number.slice(-1)) + 5) % 10);
}

/** The number with its S10 check digit (before the country code) moved by 5. */
function corruptS10(number: string): string {
  return number.slice(0, 10) + String((Number(number[10]) + 5) % 10) + number.slice(11);
}

describe('validateTrackingNumber: published examples', () => {
  it.each(PUBLISHED)(
    'accepts $number as $carrier ($format)',
    ({ number, carrier, format, trackingNumber }) => {
      expect(validateTrackingNumber(carrier, number)).toEqual({
        valid: true,
        carrier,
        normalized: trackingNumber ?? number,
        format,
      });
    },
  );

  it.each(PUBLISHED)('detects $number as $carrier', ({ number, carrier }) => {
    const detected = detectCarriers(number);
    expect(detected).toContain(carrier);
    expect(detected).toEqual(AMBIGUOUS.has(number) ? ['usps', 'fedex'] : [carrier]);
  });

  it.each(PUBLISHED)('rejects $number with a corrupted check digit', ({ number, carrier, format }) => {
    const corrupted = format === 'usps-s10' ? corruptS10(number) : corruptCheckDigit(number);
    const result = validateTrackingNumber(carrier, corrupted);
    expect(result).toMatchObject({ valid: false, code: 'BAD_CHECK_DIGIT', normalized: corrupted });
    expect(result.valid || result.reason).toMatch(/check-digit test .* compare it with the label$/);
    expect(detectCarriers(corrupted)).toEqual([]);
  });
});

describe('validateTrackingNumber: carrier mismatch', () => {
  it('rejects a UPS number declared as USPS, naming the carrier it belongs to', () => {
    expect(validateTrackingNumber('usps', '1Z999AA10123456784')).toEqual({
      valid: false,
      code: 'CARRIER_MISMATCH',
      reason:
        '1Z999AA10123456784 is a UPS tracking number, not USPS: change the carrier or check the number against the label',
      normalized: '1Z999AA10123456784',
      detectedCarriers: ['ups'],
    });
  });

  it('rejects a USPS international (S10) number declared as DHL', () => {
    expect(validateTrackingNumber('dhl', 'EC123456785US')).toMatchObject({
      valid: false,
      code: 'CARRIER_MISMATCH',
      detectedCarriers: ['usps'],
    });
  });

  it.each<[CarrierCode, string, CarrierCode[]]>([
    ['fedex', '3318810025', ['dhl']],
    ['ups', '986578788855', ['fedex']],
    ['usps', '9611020987654312345672', ['fedex']],
    ['fedex', '9400111202555842332669', ['usps']],
    ['usps', '61299998820821171811', ['fedex']], // SmartPost 20 (check digit with 92 in front)
    ['fedex', '71969010756003077385', ['usps']], // USPS 20 (check digit with 91 in front)
    ['dhl', '9261292700768711948021', ['usps', 'fedex']],
  ])('rejects a number declared as %s that is %s', (declared, number, detected) => {
    const result = validateTrackingNumber(declared, number);
    expect(result).toMatchObject({ valid: false, code: 'CARRIER_MISMATCH', detectedCarriers: detected });
  });

  it('names every carrier an ambiguous number belongs to', () => {
    const result = validateTrackingNumber('dhl', '9261292700768711948021');
    expect(result.valid || result.reason).toMatch(
      /^9261292700768711948021 is a USPS or FedEx tracking number, not DHL Express/,
    );
  });

  it('accepts an application identifier 92 IMpb for either USPS or FedEx', () => {
    expect(validateTrackingNumber('usps', '9261292700768711948021')).toMatchObject({
      valid: true,
      format: 'usps-impb',
    });
    expect(validateTrackingNumber('fedex', '9261292700768711948021')).toMatchObject({
      valid: true,
      format: 'fedex-smartpost-22',
    });
    expect(validateTrackingNumber('fedex', '4201002334249200190132607600833457')).toEqual({
      valid: true,
      carrier: 'fedex',
      normalized: '9200190132607600833457',
      format: 'fedex-smartpost-routed',
    });
  });

  it('rejects a published number for every carrier it does not belong to, naming its own', () => {
    for (const { number, carrier } of PUBLISHED) {
      if (AMBIGUOUS.has(number)) continue;
      for (const other of CARRIER_CODES.filter((code) => code !== carrier)) {
        expect(validateTrackingNumber(other, number)).toMatchObject({
          valid: false,
          code: 'CARRIER_MISMATCH',
          detectedCarriers: [carrier],
        });
      }
    }
  });
});

describe('validateTrackingNumber: bad format', () => {
  it.each<[CarrierCode, string, RegExp]>([
    [
      'ups',
      '1Z999AA1012345678',
      /^1Z999AA1012345678 is not a UPS tracking number: UPS numbers have 18 characters/,
    ],
    ['usps', '12345', /^12345 is not a USPS tracking number: USPS numbers have 20, 22 or 26 digits/],
    ['usps', '9700111202555842332669', /is not a USPS tracking number/], // 97 is no IMpb identifier
    [
      'fedex',
      '1234567890123',
      /^1234567890123 is not a FedEx tracking number: FedEx numbers have 12, 15, 20/,
    ],
    [
      'dhl',
      '33188100255',
      /is not a DHL Express tracking number: DHL Express waybill numbers have 10 digits$/,
    ],
    ['dhl', 'RB123456785GB', /is not a DHL Express tracking number/],
  ])('rejects a %s number %s', (carrier, number, reason) => {
    const result = validateTrackingNumber(carrier, number);
    expect(result).toMatchObject({ valid: false, code: 'BAD_FORMAT' });
    expect(result.valid || result.reason).toMatch(reason);
  });

  it('tells a seller when an international postal number was issued by another country', () => {
    expect(validateTrackingNumber('usps', 'RB123456785GB')).toEqual({
      valid: false,
      code: 'BAD_FORMAT',
      reason:
        'RB123456785GB is an international postal number issued in GB, not by USPS (USPS numbers of this kind end in US)',
      normalized: 'RB123456785GB',
    });
    expect(detectCarriers('RB123456785GB')).toEqual([]);
  });

  it('rejects an empty number and stray characters', () => {
    expect(validateTrackingNumber('ups', '  ')).toMatchObject({
      valid: false,
      code: 'BAD_FORMAT',
      reason: 'No tracking number was given',
    });
    expect(validateTrackingNumber('ups', '1Z999AA1.0123456784')).toMatchObject({
      valid: false,
      code: 'BAD_FORMAT',
      reason: '"1Z999AA1.0123456784" contains ".": tracking numbers have only letters and digits',
    });
    expect(detectCarriers('')).toEqual([]);
    expect(detectCarriers('1Z999AA1.0123456784')).toEqual([]);
  });

  it('treats a letter where the UPS check digit belongs as a bad check digit', () => {
    expect(validateTrackingNumber('ups', '1Z999AA1012345678A')).toMatchObject({ code: 'BAD_CHECK_DIGIT' });
  });
});

describe('validateTrackingNumber: carriers and normalization', () => {
  it('rejects an unknown carrier', () => {
    expect(validateTrackingNumber('royal-mail', 'RB123456785GB')).toEqual({
      valid: false,
      code: 'UNKNOWN_CARRIER',
      reason: '"royal-mail" is not a supported carrier: use one of ups, usps, fedex, dhl',
      normalized: 'RB123456785GB',
    });
    expect(validateTrackingNumber('', '1Z999AA10123456784')).toMatchObject({ code: 'UNKNOWN_CARRIER' });
  });

  it('matches the carrier code case-insensitively', () => {
    expect(validateTrackingNumber('UPS', '1Z999AA10123456784')).toMatchObject({
      valid: true,
      carrier: 'ups',
    });
    expect(validateTrackingNumber(' FedEx ', '986578788855')).toMatchObject({
      valid: true,
      carrier: 'fedex',
    });
  });

  it.each([
    ['ups', ' 1z999aa10123456784 ', '1Z999AA10123456784'],
    ['ups', '1Z 999 AA1 01 2345 678 4', '1Z999AA10123456784'],
    ['ups', '1z-999aa1-0123456784', '1Z999AA10123456784'],
    ['usps', '9400 1112 0255 5842 3326 69', '9400111202555842332669'],
    ['usps', '9400\t1112\n0255 5842 3326 69', '9400111202555842332669'],
    ['usps', 'ec 123 456 785 us', 'EC123456785US'],
    ['fedex', '7905–3531–2317', '790535312317'], // en dashes
    ['dhl', '33 1881 0025', '3318810025'],
  ])('normalizes a %s number written as %j', (carrier, raw, normalized) => {
    expect(validateTrackingNumber(carrier, raw)).toMatchObject({ valid: true, normalized });
    expect(detectCarriers(raw)).toEqual([carrier]);
  });
});

describe('validateTrackingNumber: properties', () => {
  it('never throws, and agrees with detectCarriers for every carrier', () => {
    const input = fc.oneof(
      fc.string(),
      fc.stringMatching(/^[0-9]{8,36}$/),
      fc.stringMatching(/^(1Z|420|9[1-6])[0-9A-Z]{8,30}$/),
    );
    fc.assert(
      fc.property(input, (raw) => {
        const detected = detectCarriers(raw);
        for (const carrier of CARRIER_CODES) {
          const result = validateTrackingNumber(carrier, raw);
          expect(result.valid).toBe(detected.includes(carrier));
          if (!result.valid) {
            expect(result.reason.length).toBeGreaterThan(0);
            const others = detected.filter((code) => code !== carrier);
            expect(result.code === 'CARRIER_MISMATCH').toBe(others.length > 0);
          }
        }
      }),
    );
  });
});
