import { IsEmail, Matches, MaxLength, ValidateIf } from 'class-validator';
import { E164 } from './submit-order.request';

/** A buyer to erase from every one of the merchant's orders: by email, by phone, or both. */
export class EraseBuyerRequest {
  @ValidateIf((request: EraseBuyerRequest) => request.email !== undefined || request.phone === undefined)
  @IsEmail({}, { message: 'email must be a valid address; an erasure names the buyer by email or phone' })
  @MaxLength(254)
  email?: string;

  @ValidateIf((request: EraseBuyerRequest) => request.phone !== undefined || request.email === undefined)
  @Matches(E164, {
    message: 'phone must be in E.164 form (+15551234567); an erasure names the buyer by email or phone',
  })
  phone?: string;
}

export interface ErasureResponse {
  requestId: string;
  /** Accepted: this service has erased the buyer, the others erase on the events it published. */
  status: 'accepted';
  orderIds: string[];
}
