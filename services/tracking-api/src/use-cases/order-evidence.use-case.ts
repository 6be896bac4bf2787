import { Injectable } from '@nestjs/common';
import { UnitOfWork } from '@tracking/db';
import { NotFoundError } from '@tracking/errors';
import { buildEvidencePack, type EvidenceOrderSource, type EvidencePack } from '../domain/evidence-pack';
import type { PublicView } from '../domain/order-projection';
import {
  greetingOf,
  GREETING_COLUMNS,
  GREETING_JOIN,
  ReadModelRepository,
  type GreetingColumns,
} from '../persistence/read-model.repository';

interface EvidenceRow extends GreetingColumns {
  order_id: string;
  merchant_id: string;
  external_order_id: string;
  storefront_platform: string;
  placed_at: Date;
  received_at: Date;
  fulfillment_centre_id: string | null;
  promised_delivery_date: string | null;
  destination_country: string;
  state: string;
  state_reason: string | null;
  state_occurred_at: Date;
  packed_at: Date | null;
  first_carrier_scan_at: Date | null;
  delivered_at: Date | null;
  eta_from: Date | null;
  eta_to: Date | null;
  first_eta_to: Date | null;
  public_view: PublicView;
}

/** The dispute evidence pack of one of the merchant's orders; anyone else's is as unknown as a missing one. */
@Injectable()
export class OrderEvidenceUseCase {
  constructor(
    private readonly unitOfWork: UnitOfWork,
    private readonly repository: ReadModelRepository,
  ) {}

  async execute(merchantId: string, orderId: string, now = new Date()): Promise<EvidencePack> {
    // One snapshot for the row and its facts, so the pack never mixes two versions of the order.
    return this.unitOfWork.run(
      async ({ manager }) => {
        const rows: EvidenceRow[] = await manager.query(
          `SELECT o.order_id, o.merchant_id, o.external_order_id, o.storefront_platform, o.placed_at, o.received_at,
                o.fulfillment_centre_id, to_char(o.promised_delivery_date, 'YYYY-MM-DD') AS promised_delivery_date,
                ${GREETING_COLUMNS}, o.destination_country, o.state, o.state_reason, o.state_occurred_at,
                o.packed_at, o.first_carrier_scan_at, o.delivered_at, o.eta_from, o.eta_to, o.first_eta_to,
                o.public_view
           FROM tracking_api.orders o ${GREETING_JOIN}
          WHERE o.order_id = $1 AND o.merchant_id = $2`,
          [orderId, merchantId],
        );
        const row = rows[0];
        if (!row) throw new NotFoundError('order', orderId);
        const order: EvidenceOrderSource = {
          orderId: row.order_id,
          merchantId: row.merchant_id,
          externalOrderId: row.external_order_id,
          storefrontPlatform: row.storefront_platform,
          placedAt: row.placed_at,
          receivedAt: row.received_at,
          fulfillmentCentreId: row.fulfillment_centre_id,
          promisedDeliveryDate: row.promised_delivery_date,
          // Blank once the buyer is erased: the pack still proves where the parcel went by country.
          destinationCity: greetingOf(row)?.city ?? '',
          destinationCountry: row.destination_country,
          state: row.state,
          stateReason: row.state_reason,
          stateOccurredAt: row.state_occurred_at,
          packedAt: row.packed_at,
          firstCarrierScanAt: row.first_carrier_scan_at,
          deliveredAt: row.delivered_at,
          etaFrom: row.eta_from,
          etaTo: row.eta_to,
          firstEtaTo: row.first_eta_to,
          publicView: row.public_view,
        };
        return buildEvidencePack(order, await this.repository.eventsOf(manager, orderId), now);
      },
      { snapshot: true },
    );
  }
}
