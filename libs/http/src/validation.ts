import { type ArgumentMetadata, ValidationPipe } from '@nestjs/common';
import { type FieldViolation, ValidationFailedError } from '@tracking/errors';
import { plainToInstance } from 'class-transformer';
import { validate, type ValidationError } from 'class-validator';
import { textViolations } from './text-rule';

/** The body itself is wrong (not an object, an array where one object belongs). */
const WHOLE_BODY = '$';

/** One violation per bad field, named by its dotted path as the client sent it: `lineItems.0.quantity`. */
export function fieldViolations(errors: ValidationError[], parent = ''): FieldViolation[] {
  return errors.flatMap((error) => {
    const property = error.property === undefined || error.property === '' ? '' : String(error.property);
    const field = parent && property ? `${parent}.${property}` : parent || property;
    const reasons = Object.values(error.constraints ?? {});
    const own = reasons.length > 0 ? [{ field: field || WHOLE_BODY, reason: reasons.join('; ') }] : [];
    return [...own, ...fieldViolations(error.children ?? [], field)];
  });
}

function failureFor(violations: FieldViolation[]): ValidationFailedError {
  const fields = [...new Set(violations.map((violation) => violation.field))];
  const subject = fields.length === 1 ? 'A field is' : `${fields.length} fields are`;
  return new ValidationFailedError(`${subject} not valid: ${fields.join(', ')}`, violations);
}

export function validationFailure(errors: ValidationError[]): ValidationFailedError {
  return failureFor(fieldViolations(errors));
}

// Values are not echoed back in violations: they may be personal data and are already the client's.
const VALIDATOR_OPTIONS = {
  whitelist: true,
  forbidNonWhitelisted: true,
  forbidUnknownValues: true,
  validationError: { target: false, value: false },
} as const;

/**
 * Validates one item of a bulk request with the same rules as a request body, so each item of a
 * batch gets its own violations instead of the whole batch failing on the first bad one.
 */
export async function validateItem<T extends object>(
  type: new () => T,
  plain: unknown,
): Promise<{ value: T; violations: [] } | { value?: undefined; violations: FieldViolation[] }> {
  if (typeof plain !== 'object' || plain === null || Array.isArray(plain)) {
    return { violations: [{ field: WHOLE_BODY, reason: 'must be a JSON object' }] };
  }
  const badText = textViolations(plain);
  if (badText.length > 0) return { violations: badText };
  const value = plainToInstance(type, plain, { enableImplicitConversion: false });
  const errors = await validate(value, VALIDATOR_OPTIONS);
  return errors.length === 0 ? { value, violations: [] } : { violations: fieldViolations(errors) };
}

/** Only what arrives over HTTP is validated here; event payloads are decoded against their schema by the Kafka transport. */
const HTTP_PARAMETER_TYPES = new Set<ArgumentMetadata['type']>(['body', 'query', 'param']);

/**
 * class-validator DTOs for every HTTP input: unknown fields are refused rather than silently
 * dropped (a misspelt optional field must not vanish), nested objects and arrays are validated,
 * and failures become a 422 with the path of each bad field.
 */
export class RequestValidationPipe extends ValidationPipe {
  constructor() {
    super({
      ...VALIDATOR_OPTIONS,
      transform: true,
      // Strict JSON types: "5" is not a number in a body. Query DTOs convert with @Type().
      transformOptions: { enableImplicitConversion: false },
      exceptionFactory: validationFailure,
    });
  }

  override async transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    if (!HTTP_PARAMETER_TYPES.has(metadata.type)) return value;
    // Before any DTO rule and whatever the parameter's type, a plain `@Param('token')` string
    // included: text the database cannot store must never reach a use case.
    const badText = textViolations(value, metadata.data ?? '');
    if (badText.length > 0) throw failureFor(badText);
    // `@Body('buyer')` validates a part of the body: its paths are reported from the body's root.
    const root = metadata.type === 'body' && metadata.data ? metadata.data : '';
    // A DTO class validates properties; an array or scalar body would otherwise come back as
    // "property 0 should not exist" instead of what is actually wrong.
    const isObject = typeof value === 'object' && value !== null && !Array.isArray(value);
    if (metadata.type === 'body' && value !== undefined && !isObject && this.toValidate(metadata)) {
      const field = root || WHOLE_BODY;
      throw new ValidationFailedError(
        `${root ? `The field ${root}` : 'The request body'} must be a JSON object`,
        [{ field, reason: 'must be a JSON object' }],
      );
    }
    try {
      return await super.transform(value, metadata);
    } catch (error: unknown) {
      if (!root || !(error instanceof ValidationFailedError)) throw error;
      throw failureFor(
        error.violations.map((violation) => ({
          ...violation,
          field: violation.field === WHOLE_BODY ? root : `${root}.${violation.field}`,
        })),
      );
    }
  }

  protected override toValidate(metadata: ArgumentMetadata): boolean {
    return HTTP_PARAMETER_TYPES.has(metadata.type) && super.toValidate(metadata);
  }
}
