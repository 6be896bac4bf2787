import { applyDecorators } from '@nestjs/common';
import { Type } from 'class-transformer';
import { IsObject, ValidateIf, ValidateNested } from 'class-validator';

// class-validator's @IsOptional skips every rule for null as well as for a missing field, so a
// `null` where an object or a string belongs passed validation and failed later, in the use case
// (`Cannot read properties of null`), as a 500. These are the project's two ways to say optional.

/** The field may be left out; `null` is not leaving it out, and is refused like any wrong type. */
export function OptionalField(): PropertyDecorator {
  return ValidateIf((_object: object, value: unknown) => value !== undefined);
}

/** The field may be left out or set to `null`, which clears it; the field's rules hold for anything else. */
export function NullableField(): PropertyDecorator {
  return ValidateIf((_object: object, value: unknown) => value !== undefined && value !== null);
}

/**
 * A nested DTO. @ValidateNested alone lets an array (of anything, even empty) or a scalar stand
 * for the object; @IsObject refuses those and null, so the use case always gets an object.
 */
export function NestedObject(type: () => new () => object): PropertyDecorator {
  return applyDecorators(
    IsObject({ message: ({ property }) => `${property} must be a JSON object` }),
    ValidateNested(),
    Type(type),
  );
}
