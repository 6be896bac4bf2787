import { IsUUID } from 'class-validator';

export class NotificationsQuery {
  @IsUUID('all', { message: 'orderId must be the orderId order-intake returned (a UUID)' })
  orderId!: string;
}
