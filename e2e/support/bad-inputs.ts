import { textViolations } from '@tracking/http';
import { defaultMetadataStorage } from 'class-transformer/cjs/storage';
import { getMetadataStorage } from 'class-validator';
import fc from 'fast-check';
import type { DtoClass } from '../../libs/testing/src/http-routes';

/** A DTO's property names, with the shape of each nested DTO; null for a leaf. */
export interface DtoShape {
  [property: string]: DtoShape | null;
}

/** The shape of a class-validator DTO, read from its decorators, so inputs look like what it expects. */
export function dtoShape(type: DtoClass, seen: ReadonlySet<DtoClass> = new Set()): DtoShape {
  const properties = new Set(
    getMetadataStorage()
      .getTargetValidationMetadatas(type, '', true, false)
      .map((metadata) => metadata.propertyName),
  );
  const shape: DtoShape = {};
  for (const property of properties) {
    const nested = defaultMetadataStorage.findTypeMetadata(type, property)?.typeFunction() as
      DtoClass | undefined;
    shape[property] = nested && !seen.has(nested) ? dtoShape(nested, new Set([...seen, type])) : null;
  }
  return shape;
}

/** What PostgreSQL cannot store, hidden among ordinary characters. */
const POISON = ['\u0000', '\uD800', '\uDFFF', '\uDBFFA', 'Z\uDC00'];
export const poisonText = fc
  .tuple(fc.string({ maxLength: 12 }), fc.constantFrom(...POISON), fc.string({ maxLength: 12 }))
  .map(([before, poison, after]) => `${before}${poison}${after}`);

const controlText = fc.string({
  unit: fc.integer({ min: 1, max: 31 }).map((code) => String.fromCharCode(code)),
  maxLength: 40,
});
const hugeText = fc.integer({ min: 1_000, max: 200_000 }).map((length) => 'x'.repeat(length));
const anyText = fc.oneof(
  fc.string({ maxLength: 40 }),
  fc.string({ unit: 'binary', maxLength: 40 }),
  controlText,
  hugeText,
);

/** A value of the wrong type, size or content for almost any field. */
export const junk: fc.Arbitrary<unknown> = fc.oneof(
  anyText,
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.constant(null),
  fc.constant(''),
  fc.array(fc.jsonValue({ maxDepth: 1 }), { maxLength: 3 }),
  fc.dictionary(fc.string({ maxLength: 8 }), fc.jsonValue({ maxDepth: 1 }), { maxKeys: 3 }),
);

/** An object with (some of) the DTO's fields, each given junk or, when nested, an object like it. */
export function shapedLike(shape: DtoShape, depth = 0): fc.Arbitrary<Record<string, unknown>> {
  const fields = Object.fromEntries(
    Object.entries(shape).map(([property, nested]) => [
      property,
      nested && depth < 3 ? fc.oneof(shapedLike(nested, depth + 1), junk) : junk,
    ]),
  );
  return fc.record(fields, { requiredKeys: [] }) as fc.Arbitrary<Record<string, unknown>>;
}

function pathsOf(shape: DtoShape, prefix: string[] = []): string[][] {
  return Object.entries(shape).flatMap(([property, nested]) => {
    const path = [...prefix, property];
    return [path, ...(nested ? pathsOf(nested, path) : [])];
  });
}

function setAt(target: Record<string, unknown>, path: string[], value: unknown): Record<string, unknown> {
  const [head, ...rest] = path as [string, ...string[]];
  if (rest.length === 0) return { ...target, [head]: value };
  const child = target[head];
  const childObject =
    typeof child === 'object' && child !== null && !Array.isArray(child)
      ? (child as Record<string, unknown>)
      : {};
  return { ...target, [head]: setAt(childObject, rest, value) };
}

/**
 * A DTO-shaped object with text PostgreSQL cannot store at one of its fields (or as a field
 * name): refused by the global text rule whatever else the object holds.
 */
export function poisonedLike(shape: DtoShape): fc.Arbitrary<Record<string, unknown>> {
  const paths = pathsOf(shape);
  const where = paths.length > 0 ? fc.constantFrom(...paths) : fc.constant([] as string[]);
  return fc
    .tuple(shapedLike(shape), where, poisonText, fc.boolean())
    .map(([base, path, poison, asName]) =>
      asName || path.length === 0 ? { ...base, [poison]: 'x' } : setAt(base, path, poison),
    );
}

export type BodyCase =
  | { kind: 'none' }
  | { kind: 'json'; value: unknown }
  | {
      kind: 'raw';
      what: 'malformed JSON' | 'invalid UTF-8' | 'unsupported media type' | 'text';
      contentType: string;
      bytes: Buffer;
    };

const malformedJson = fc
  .oneof(
    fc.jsonValue().map((value) => JSON.stringify(value).slice(0, -1) || '{'),
    fc.constantFrom('{', '{"a":', "{'a': 1}", '[1,,2]', '{"a":1}}', 'undefined', '{"a":NaN}'),
  )
  .filter((text) => {
    try {
      JSON.parse(text);
      return false;
    } catch {
      return true;
    }
  });

/** Bodies that never get past the HTTP edge, whatever the route: the parser or the media type refuses them. */
export const transportBadBody: fc.Arbitrary<BodyCase> = fc.oneof(
  malformedJson.map((text) => ({
    kind: 'raw' as const,
    what: 'malformed JSON' as const,
    contentType: 'application/json',
    bytes: Buffer.from(text),
  })),
  fc.uint8Array({ minLength: 1, maxLength: 30 }).map((bytes) => ({
    kind: 'raw' as const,
    what: 'invalid UTF-8' as const,
    contentType: 'application/json',
    bytes: Buffer.concat([
      Buffer.from('{"a":"'),
      Buffer.from([0xc3, 0x28]),
      Buffer.from(bytes),
      Buffer.from('"}'),
    ]),
  })),
  fc
    .tuple(
      fc.constantFrom(
        'text/plain',
        'application/xml',
        'multipart/form-data; boundary=x',
        'application/octet-stream',
      ),
      fc.string({ maxLength: 60 }),
    )
    .map(([contentType, text]) => ({
      kind: 'raw' as const,
      what: 'unsupported media type' as const,
      contentType,
      bytes: Buffer.from(text || 'x'),
    })),
);

/** Percent-encodes any string, lone surrogates included (as the bytes a careless client sends for them). */
export function percentEncode(text: string): string {
  let encoded = '';
  for (let index = 0; index < text.length; index += 1) {
    const unit = text.charCodeAt(index);
    const next = text.charCodeAt(index + 1);
    if (unit >= 0xd800 && unit <= 0xdbff && next >= 0xdc00 && next <= 0xdfff) {
      encoded += encodeURIComponent(text.slice(index, index + 2));
      index += 1;
    } else if (unit >= 0xd800 && unit <= 0xdfff) {
      const bytes = [0xe0 | (unit >> 12), 0x80 | ((unit >> 6) & 0x3f), 0x80 | (unit & 0x3f)];
      encoded += bytes.map((byte) => `%${byte.toString(16).toUpperCase()}`).join('');
    } else {
      encoded += encodeURIComponent(text[index]!);
    }
  }
  return encoded;
}

/** Path parameter values: ids that name nothing, junk, NUL, huge, and broken encodings. */
export const pathValue = fc.oneof(
  fc.uuid(),
  fc.string({ minLength: 1, maxLength: 40 }),
  poisonText,
  controlText.filter((text) => text.length > 0),
  fc.integer({ min: 300, max: 2_000 }).map((length) => 'y'.repeat(length)),
  fc.constantFrom('%', '%E0%A4%A', '..', '%2F', ' '),
);

/** A path value already encoded (the constants above stand for themselves) or to be encoded. */
export function encodePathValue(value: string): string {
  return ['%', '%E0%A4%A', '..', '%2F', ' '].includes(value)
    ? value.replace(' ', '%20')
    : percentEncode(value);
}

/** Query strings: the DTO's own fields and strangers, with junk or poison for values. */
export function queryLike(shape: DtoShape): fc.Arbitrary<Record<string, string>> {
  const keys = [...Object.keys(shape), 'unexpected'];
  const value = fc.oneof(fc.string({ maxLength: 30 }), poisonText, controlText, fc.constant(''));
  return fc.dictionary(fc.oneof(fc.constantFrom(...keys), fc.string({ minLength: 1, maxLength: 8 })), value, {
    maxKeys: 4,
  });
}

export function queryString(query: Record<string, string>): string {
  const pairs = Object.entries(query).map(([key, value]) => `${percentEncode(key)}=${percentEncode(value)}`);
  return pairs.length > 0 ? `?${pairs.join('&')}` : '';
}

/** NUL survives percent-decoding; a lone surrogate does not (it arrives as U+FFFD), so only NUL counts here. */
export function hasStorableTextOnly(query: Record<string, string>): boolean {
  return !Object.entries(query).some(([key, value]) => `${key}${value}`.includes('\u0000'));
}

export function hasBadText(value: unknown): boolean {
  return textViolations(value).length > 0;
}
