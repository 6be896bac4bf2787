import type { ArgumentMetadata } from '@nestjs/common';
import { ValidationFailedError } from '@tracking/errors';
import { IsArray, IsInt, IsString, MaxLength, ValidateNested } from 'class-validator';
import { Type } from 'class-transformer';
import fc from 'fast-check';
import { NestedObject, NullableField, OptionalField } from './optional-fields';
import { RequestValidationPipe, validateItem } from './validation';

class TemplateRequest {
  @OptionalField()
  @IsString()
  @MaxLength(200)
  subject?: string;
}

class LocaleTemplatesRequest {
  @OptionalField()
  @NestedObject(() => TemplateRequest)
  en?: TemplateRequest;
}

class LineRequest {
  @IsString()
  sku!: string;

  @IsInt()
  quantity!: number;
}

class SettingsRequest {
  @IsString()
  senderName!: string;

  /** null clears it. */
  @NullableField()
  @IsString()
  replyTo?: string | null;

  @OptionalField()
  @IsString()
  note?: string;

  @OptionalField()
  @NestedObject(() => LocaleTemplatesRequest)
  templates?: LocaleTemplatesRequest;

  @OptionalField()
  @IsArray()
  @ValidateNested({ each: true })
  @Type(() => LineRequest)
  lines?: LineRequest[];
}

const pipe = new RequestValidationPipe();
const asBody: ArgumentMetadata = { type: 'body', metatype: SettingsRequest };

async function violationsOf(value: unknown, metadata: ArgumentMetadata) {
  try {
    await pipe.transform(value, metadata);
  } catch (error) {
    if (error instanceof ValidationFailedError) return error.violations;
    throw error;
  }
  return [];
}

describe('the request validation pipe', () => {
  it('refuses a NUL anywhere in a body, naming the field and the reason', async () => {
    const violations = await violationsOf(
      { senderName: 'Acme', templates: { en: { subject: 'Your order\u0000' } } },
      asBody,
    );
    expect(violations).toEqual([
      { field: 'templates.en.subject', reason: 'must not contain the NUL character (U+0000)' },
    ]);
  });

  it('refuses a lone surrogate in an array item and a NUL in a field name', async () => {
    const violations = await violationsOf(
      { senderName: 'Acme', lines: [{ sku: 'MUG\uD800', quantity: 1 }], ['x\u0000']: 1 },
      asBody,
    );
    expect(violations).toEqual(
      expect.arrayContaining([
        { field: 'lines.0.sku', reason: 'must be valid Unicode text (it contains a lone surrogate)' },
        { field: '$', reason: 'a field name must not contain the NUL character (U+0000)' },
      ]),
    );
  });

  it('refuses bad text in query values and in path parameters of any type, DTO or plain string', async () => {
    expect(await violationsOf({ cursor: 'a\u0000' }, { type: 'query', metatype: Object })).toEqual([
      { field: 'cursor', reason: 'must not contain the NUL character (U+0000)' },
    ]);
    expect(await violationsOf('abc\uDC00', { type: 'param', metatype: String, data: 'token' })).toEqual([
      { field: 'token', reason: 'must be valid Unicode text (it contains a lone surrogate)' },
    ]);
    expect(await violationsOf('live\u0000', { type: 'query', metatype: String, data: 'fragment' })).toEqual([
      { field: 'fragment', reason: 'must not contain the NUL character (U+0000)' },
    ]);
  });

  it('names fields from the body root when a handler takes a part of the body', async () => {
    expect(
      await violationsOf({ subject: '\u0000' }, { type: 'body', metatype: TemplateRequest, data: 'en' }),
    ).toEqual([{ field: 'en.subject', reason: 'must not contain the NUL character (U+0000)' }]);
  });

  it('refuses null where an object or a string is required, at any depth', async () => {
    const cases: Array<[unknown, string]> = [
      [{ senderName: null }, 'senderName'],
      [{ senderName: 'Acme', note: null }, 'note'],
      [{ senderName: 'Acme', templates: null }, 'templates'],
      [{ senderName: 'Acme', templates: { en: null } }, 'templates.en'],
      [{ senderName: 'Acme', templates: { en: { subject: null } } }, 'templates.en.subject'],
      [{ senderName: 'Acme', templates: [] }, 'templates'],
      [{ senderName: 'Acme', lines: [null] }, 'lines.0'],
    ];
    for (const [value, field] of cases) {
      const violations = await violationsOf(value, asBody);
      expect(violations.map((violation) => violation.field)).toContain(field);
    }
  });

  it('accepts null where a field says null clears it, and a field left out', async () => {
    await expect(pipe.transform({ senderName: 'Acme', replyTo: null }, asBody)).resolves.toMatchObject({
      senderName: 'Acme',
      replyTo: null,
    });
    await expect(pipe.transform({ senderName: 'Acme' }, asBody)).resolves.toBeInstanceOf(SettingsRequest);
  });

  it('refuses any body with a NUL or a lone surrogate hidden in any string of it', async () => {
    const poison = fc.constantFrom('\u0000', '\uD83D', '\uDE00');
    const ascii = fc.string({ unit: 'grapheme-ascii' });
    const text = fc.tuple(ascii, poison, ascii).map(([before, bad, after]) => `${before}${bad}${after}`);
    await fc.assert(
      fc.asyncProperty(fc.constantFrom('senderName', 'replyTo', 'note'), text, async (field, bad) => {
        const violations = await violationsOf({ senderName: 'Acme', [field]: bad }, asBody);
        expect(violations.map((violation) => violation.field)).toContain(field);
      }),
      { numRuns: 200 },
    );
  });
});

describe('validating one item of a bulk request', () => {
  it('refuses bad text in an item with the same rule as a request body', async () => {
    const result = await validateItem(SettingsRequest, { senderName: 'Acme\u0000' });
    expect(result.violations).toEqual([
      { field: 'senderName', reason: 'must not contain the NUL character (U+0000)' },
    ]);
  });

  it('refuses null in an item where a string is required', async () => {
    const result = await validateItem(SettingsRequest, { senderName: 'Acme', note: null });
    expect(result.violations.map((violation) => violation.field)).toEqual(['note']);
  });
});
