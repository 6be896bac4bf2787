import fc from 'fast-check';
import {
  dhlExpressCheckDigit,
  fedexExpressCheckDigit,
  mod10Weighted31,
  s10CheckDigit,
  upsCheckDigit,
} from './check-digits';
import { validateTrackingNumber } from './validate';

const digit = fc.integer({ min: 0, max: 9 });
const digits = (length: number) =>
  fc.array(digit, { minLength: length, maxLength: length }).map((ds) => ds.join(''));

/** `number` with the character at `index` replaced by `replacement`. */
function substitute(number: string, index: number, replacement: string): string {
  return number.slice(0, index) + replacement + number.slice(index + 1);
}

/** A position in `number` (from `from` up to its end) and a different digit to put there. */
function digitSubstitution(number: string, from = 0) {
  return fc
    .record({
      index: fc.integer({ min: from, max: number.length - 1 }),
      delta: fc.integer({ min: 1, max: 9 }),
    })
    .map(({ index, delta }) => ({
      index,
      replacement: String((Number(number[index]) + delta) % 10),
    }));
}

describe('check-digit algorithms', () => {
  it('computes the worked examples of the published algorithms', () => {
    // UPU S10: serial 47312482, S = 200, C = 11 - 200 mod 11 = 9.
    expect(s10CheckDigit('47312482')).toBe(9);
    // UPS sample 1Z999AA10123456784: check digit 4 over 999AA1012345678.
    expect(upsCheckDigit('999AA1012345678')).toBe(4);
    // FedEx Ground sample 041441760228964 (mod 10, weights 3 and 1 from the right).
    expect(mod10Weighted31('04144176022896')).toBe(4);
    // FedEx Express sample 986578788855 (weights 1, 3, 7 from the right, mod 11, mod 10).
    expect(fedexExpressCheckDigit('98657878885')).toBe(5);
    // DHL Express sample 3318810025: 331881002 mod 7 = 5.
    expect(dhlExpressCheckDigit('331881002')).toBe(5);
  });

  it('maps UPS letters as (char code - 63) mod 10', () => {
    // A=2 ... H=9, I=0, J=1 ... Z=7: a letter weighs like the digit it maps to.
    expect(upsCheckDigit('A')).toBe(upsCheckDigit('2'));
    expect(upsCheckDigit('I')).toBe(upsCheckDigit('0'));
    expect(upsCheckDigit('Z')).toBe(upsCheckDigit('7'));
    expect(upsCheckDigit('0A')).toBe(upsCheckDigit('02'));
  });

  it('rejects input outside its alphabet instead of guessing', () => {
    expect(() => mod10Weighted31('12A')).toThrow(RangeError);
    expect(() => s10CheckDigit('1234567')).toThrow(RangeError);
    expect(() => upsCheckDigit('12-3')).toThrow(RangeError);
  });
});

// Which single-character errors each check digit catches. Mod 10 with weights 3 and 1 catches
// every single-digit substitution; the others have blind spots, pinned down here exactly.
describe('single-digit substitutions', () => {
  it('are all caught in USPS IMpb numbers (mod 10, weights 3 and 1)', () => {
    const impb = fc
      .tuple(fc.integer({ min: 91, max: 95 }), digits(19))
      .map(([ai, rest]) => `${ai}${rest}`)
      .map((body) => body + mod10Weighted31(body));
    fc.assert(
      fc.property(
        impb.chain((number) => fc.tuple(fc.constant(number), digitSubstitution(number))),
        ([number, { index, replacement }]) => {
          expect(validateTrackingNumber('usps', number).valid).toBe(true);
          expect(validateTrackingNumber('usps', substitute(number, index, replacement)).valid).toBe(false);
        },
      ),
    );
  });

  it('are all caught in FedEx Ground 15-digit numbers and in the checked part of 96 barcodes', () => {
    const ground = digits(14).map((body) => body + mod10Weighted31(body));
    fc.assert(
      fc.property(
        ground.chain((number) => fc.tuple(fc.constant(number), digitSubstitution(number))),
        ([number, { index, replacement }]) => {
          expect(validateTrackingNumber('fedex', number).valid).toBe(true);
          expect(validateTrackingNumber('fedex', substitute(number, index, replacement)).valid).toBe(false);
        },
      ),
    );
    // The first 7 digits of a 96 barcode (96, SCNC, service code) are outside the check digit.
    const barcode = fc.tuple(digits(5), ground).map(([prefix, tracking]) => `96${prefix}${tracking}`);
    fc.assert(
      fc.property(
        barcode.chain((number) => fc.tuple(fc.constant(number), digitSubstitution(number, 7))),
        ([number, { index, replacement }]) => {
          expect(validateTrackingNumber('fedex', number).valid).toBe(true);
          expect(validateTrackingNumber('fedex', substitute(number, index, replacement)).valid).toBe(false);
        },
      ),
    );
  });

  it('are all caught in FedEx Express 12-digit numbers whose check digit is not 0', () => {
    // Remainders 10 and 0 are both written 0, so with check digit 0 one error in ~10 slips by.
    const express = digits(11)
      .map((body) => body + fedexExpressCheckDigit(body))
      .filter((number) => !number.endsWith('0'));
    fc.assert(
      fc.property(
        express.chain((number) => fc.tuple(fc.constant(number), digitSubstitution(number))),
        ([number, { index, replacement }]) => {
          expect(validateTrackingNumber('fedex', number).valid).toBe(true);
          expect(validateTrackingNumber('fedex', substitute(number, index, replacement)).valid).toBe(false);
        },
      ),
    );
    // The blind spot: 00000000110 sums to 1x0 + 3x1 + 7x1 = 10 and 00000000111 to 11, remainders
    // 10 and 0, both written 0: the substituted last digit goes unnoticed.
    expect(validateTrackingNumber('fedex', '000000001100').valid).toBe(true);
    expect(validateTrackingNumber('fedex', '000000001110').valid).toBe(true);
  });

  it('are all caught in USPS S10 numbers whose check digit is not 5', () => {
    // Remainders 0 and 6 both give check digit 5.
    const s10 = digits(8)
      .map((serial) => `EC${serial}${s10CheckDigit(serial)}US`)
      .filter((number) => number[10] !== '5');
    fc.assert(
      fc.property(
        s10.chain((number) =>
          fc.tuple(
            fc.constant(number),
            digitSubstitution(number.slice(0, 11), 2), // the 8 serial digits and the check digit
          ),
        ),
        ([number, { index, replacement }]) => {
          expect(validateTrackingNumber('usps', number).valid).toBe(true);
          expect(validateTrackingNumber('usps', substitute(number, index, replacement)).valid).toBe(false);
        },
      ),
    );
  });

  it('in UPS numbers are caught except a change by 5 in a position weighted 2', () => {
    const ups = fc
      .tuple(fc.stringMatching(/^[0-9A-Z]{8}$/), digits(7))
      .map(([shipperAndService, packageNumber]) => shipperAndService + packageNumber)
      .map((payload) => `1Z${payload}${upsCheckDigit(payload)}`);
    fc.assert(
      fc.property(
        ups.chain((number) => fc.tuple(fc.constant(number), digitSubstitution(number, 10))),
        ([number, { index, replacement }]) => {
          // Index 10..16 is the package number, 17 the check digit; payload position = index - 2.
          const weight = index === 17 ? 0 : (index - 2) % 2 === 0 ? 1 : 2;
          const change = Math.abs(Number(replacement) - Number(number[index]));
          const blindSpot = weight === 2 && change === 5;
          expect(validateTrackingNumber('ups', number).valid).toBe(true);
          expect(validateTrackingNumber('ups', substitute(number, index, replacement)).valid).toBe(blindSpot);
        },
      ),
    );
  });

  it('in DHL Express numbers are caught except a change by 7', () => {
    const dhl = digits(9).map((body) => body + dhlExpressCheckDigit(body));
    fc.assert(
      fc.property(
        dhl.chain((number) => fc.tuple(fc.constant(number), digitSubstitution(number))),
        ([number, { index, replacement }]) => {
          const blindSpot = index < 9 && Math.abs(Number(replacement) - Number(number[index])) === 7;
          expect(validateTrackingNumber('dhl', number).valid).toBe(true);
          expect(validateTrackingNumber('dhl', substitute(number, index, replacement)).valid).toBe(blindSpot);
        },
      ),
    );
  });
});
