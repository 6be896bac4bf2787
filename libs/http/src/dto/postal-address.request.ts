import { OptionalField } from '../optional-fields';
import { IsISO31661Alpha2, IsNotEmpty, IsString, MaxLength } from 'class-validator';

/** A postal address as storefronts and buyers send it: the one shape every service validates. */
export class PostalAddressRequest {
  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  line1!: string;

  @OptionalField()
  @IsString()
  @MaxLength(200)
  line2?: string;

  @IsString()
  @IsNotEmpty()
  @MaxLength(100)
  city!: string;

  @OptionalField()
  @IsString()
  @MaxLength(100)
  region?: string;

  @IsString()
  @IsNotEmpty()
  @MaxLength(20)
  postalCode!: string;

  @IsISO31661Alpha2({ message: 'country must be an ISO 3166-1 alpha-2 code such as US or VN' })
  country!: string;
}
