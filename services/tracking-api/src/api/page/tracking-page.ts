/**
 * The buyer's tracking page, rendered on the server from the public view: the status and
 * delivery window, a notice when something is wrong, the eight milestones, each parcel with its
 * carrier link, and the scan history in the buyer's time zone. `renderLiveRegion` is the part
 * that changes; the page's script swaps in a fresh one when the order's stream says so.
 */
import type { CanonicalReasonCode } from '@tracking/events';
import { carrierInfo, isCarrierCode } from '@tracking/tracking-numbers';
import { buyerNotice, type BuyerNotice } from '../../domain/buyer-notice';
import type { HistoryEntry, PublicView } from '../../domain/order-projection';
import { fill, html, safeHref, trusted, type SafeHtml } from './html';
import {
  PAGE_MESSAGES,
  type ExplainedException,
  type PageLocale,
  type PageMessages,
} from './messages/catalogue';
import { LIVE_SCRIPT, PAGE_STYLE } from './page-assets';
import { PageFormat } from './page-format';

export interface PageContext {
  locale: PageLocale;
  timeZone: string;
  /** The token the page was opened with: the live script needs it for the stream's address. */
  token: string;
  /** The view's version: the stream's event id the page is current with. */
  version: number;
  /** The Content-Security-Policy nonce of this response. */
  nonce: string;
}

const EXPLAINED: ReadonlySet<string> = new Set<ExplainedException>([
  'DELIVERY_ATTEMPTED',
  'EXCEPTION',
  'EXPIRED',
  'NOT_RECOGNIZED',
]);

function carrierName(carrier: string): string {
  return isCarrierCode(carrier) ? carrierInfo(carrier).name : carrier.toUpperCase();
}

function layout(
  locale: PageLocale,
  nonce: string,
  title: SafeHtml | string,
  body: SafeHtml,
  script: SafeHtml | null,
): SafeHtml {
  return html`<!doctype html>
    <html lang="${locale}">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <meta name="robots" content="noindex" />
        <meta name="referrer" content="no-referrer" />
        <title>${title}</title>
        <link rel="icon" href="data:," />
        <style nonce="${nonce}">
          ${trusted(PAGE_STYLE)}
        </style>
      </head>
      <body>
        ${body}
        ${
          script
            ? html`<script nonce="${nonce}">
                ${script};
              </script>`
            : null
        }
      </body>
    </html> `;
}

function noticeOf(notice: BuyerNotice, messages: PageMessages, format: PageFormat): SafeHtml {
  // "Other" explains a delay but not a cancellation or a return: there it would only add noise.
  const reasonText = (reason: CanonicalReasonCode | null) =>
    reason && reason !== 'OTHER'
      ? html`<p>${fill(messages.delayReason, { reason: messages.reasons[reason] })}</p>`
      : null;
  switch (notice.kind) {
    case 'cancelled':
    case 'returning':
    case 'returned': {
      const title = {
        cancelled: messages.cancelledTitle,
        returning: messages.returningTitle,
        returned: messages.returnedTitle,
      }[notice.kind];
      return html`<section class="notice is-stop" role="alert">
        <h2>${title}</h2>
        ${reasonText(notice.reason)}
        <p>${messages.contactShop}</p>
      </section>`;
    }
    case 'delayed': {
      const because = notice.reason
        ? messages.reasons[notice.reason]
        : EXPLAINED.has(notice.state)
          ? messages.unexplained[notice.state as ExplainedException]
          : messages.unexplained.EXCEPTION;
      return html`<section class="notice" role="alert">
        <h2>${fill(messages.delayedTitle, { state: messages.states[notice.state] })}</h2>
        <p>${fill(messages.delayReason, { reason: because })}</p>
        <p>
          <strong
            >${
              notice.window
                ? fill(messages.newWindow, { window: format.windowOf(notice.window) })
                : messages.noNewWindowYet
            }</strong
          >
        </p>
      </section>`;
    }
    case 'late':
      return html`<section class="notice" role="alert">
        <h2>${messages.lateTitle}</h2>
        <p>${fill(messages.lateBody, { window: format.windowOf(notice.window) })}</p>
        <p>${fill(messages.lastUpdate, { time: format.dateTimeOf(notice.lastUpdateAt) })}</p>
        <p>${messages.contactShop}</p>
      </section>`;
  }
}

function statusCard(
  view: PublicView,
  notice: BuyerNotice | null,
  messages: PageMessages,
  format: PageFormat,
) {
  const { status, estimatedDelivery, proofOfDelivery } = view;
  const delivered = status.state === 'DELIVERED' && proofOfDelivery;
  const stopped = notice && notice.kind !== 'delayed' && notice.kind !== 'late';
  const tone = delivered ? 'is-delivered' : notice ? 'is-trouble' : '';
  const lastPlace = format.placeOf(view.lastLocation);
  const lastSeenAt = [...view.history].reverse().find((entry) => entry.location)?.occurredAt;
  return html`<section class="card status ${tone}" aria-labelledby="status-heading">
    <h1 id="status-heading" data-state="${status.state}">${messages.states[status.state]}</h1>
    ${
      delivered
        ? html`<p class="window">
              ${fill(messages.deliveredOn, { date: format.dateTimeOf(proofOfDelivery.deliveredAt) })}
            </p>
            ${proofOfDelivery.leftAt ? html`<p>${fill(messages.leftAt, { place: proofOfDelivery.leftAt })}</p>` : null}`
        : estimatedDelivery && !stopped
          ? html`<p class="muted small">${messages.estimatedDelivery}</p>
              <p class="window" id="delivery-window">${format.windowOf(estimatedDelivery)}</p>`
          : null
    }
    ${
      lastPlace && !delivered
        ? html`<p class="small">
            ${fill(messages.lastSeenIn, {
              place: lastPlace,
              time: lastSeenAt ? format.dateTimeOf(lastSeenAt) : '',
            })}
          </p>`
        : null
    }
  </section>`;
}

function milestoneList(view: PublicView, messages: PageMessages, format: PageFormat): SafeHtml {
  const items = view.milestones.map((milestone) => {
    const stage = milestone.current ? 'is-current' : milestone.passed ? 'is-done' : 'is-todo';
    return html`<li
      class="step ${stage}"
      data-state="${milestone.state}"
      ${milestone.current ? html` aria-current="step"` : null}
    >
      <span class="step-name">${messages.states[milestone.state]}</span>${
        milestone.reachedAt
          ? html`<time class="step-when" datetime="${milestone.reachedAt}"
              >${format.shortDateTimeOf(milestone.reachedAt)}</time
            >`
          : null
      }
    </li>`;
  });
  return html`<section class="card" aria-labelledby="progress-heading">
    <h2 id="progress-heading">${messages.progress}</h2>
    <ol class="steps">
      ${items}
    </ol>
  </section>`;
}

function parcelList(view: PublicView, messages: PageMessages): SafeHtml | null {
  const parcels = view.shipments.filter((shipment) => !shipment.voided);
  if (parcels.length === 0) return null;
  const items = parcels.map((shipment, index) => {
    const carrier = carrierName(shipment.carrier);
    const href = safeHref(shipment.trackingUrl);
    return html`<li>
      ${parcels.length > 1 ? html`<p class="muted small">${fill(messages.parcelOf, { index: index + 1, count: parcels.length })}</p>` : null}
      <p>
        <strong>${carrier}</strong>${shipment.serviceLevel ? html` · ${shipment.serviceLevel}` : null} ·
        ${messages.states[shipment.state]}
      </p>
      <p class="small">${messages.trackingNumber}: <span class="number">${shipment.trackingNumber}</span></p>
      ${
        href
          ? html`<a class="button" href="${href}" rel="noopener noreferrer" target="_blank"
              >${fill(messages.carrierLink, { carrier })}</a
            >`
          : null
      }
    </li>`;
  });
  return html`<section class="card" aria-labelledby="parcels-heading">
    <h2 id="parcels-heading">${messages.shipments}</h2>
    <ul class="parcels">
      ${items}
    </ul>
  </section>`;
}

interface HistoryLine {
  entry: HistoryEntry;
  time: string;
  place: string | null;
  detail: string;
  reason: string;
}

function historyLine(entry: HistoryEntry, messages: PageMessages, format: PageFormat): HistoryLine {
  // The carrier's own words, when they say more than the state does (in the carrier's language).
  const detail = entry.source === 'carrier' || entry.source === 'manual' ? entry.description : '';
  return {
    entry,
    time: format.dateTimeOf(entry.occurredAt),
    place: format.placeOf(entry.location),
    detail: detail !== entry.label ? detail : '',
    reason: entry.reason ? messages.reasons[entry.reason] : '',
  };
}

/**
 * Lines a buyer could not tell apart say one thing once: packing and the label it produces,
 * for one, arrive as two PACKED facts in the same minute. The API keeps both as evidence.
 */
function sameForBuyer(a: HistoryLine, b: HistoryLine | undefined): boolean {
  return (
    b !== undefined &&
    a.entry.state === b.entry.state &&
    a.time === b.time &&
    a.place === b.place &&
    a.detail === b.detail &&
    a.reason === b.reason
  );
}

function historyItem({ entry, time, place, detail, reason }: HistoryLine, messages: PageMessages): SafeHtml {
  return html`<li data-state="${entry.state}">
    <time datetime="${entry.occurredAt}">${time}</time>
    <strong>${messages.states[entry.state]}</strong>${place ? html` · ${place}` : null}
    ${detail ? html`<p class="muted small">${detail}</p>` : null}
    ${reason ? html`<p class="small">${reason}</p>` : null}
  </li>`;
}

function historyList(view: PublicView, messages: PageMessages, format: PageFormat): SafeHtml {
  const lines: HistoryLine[] = [];
  for (const entry of [...view.history].reverse()) {
    const line = historyLine(entry, messages, format);
    if (!sameForBuyer(line, lines.at(-1))) lines.push(line);
  }
  return html`<section class="card" aria-labelledby="history-heading">
    <h2 id="history-heading">${messages.history}</h2>
    ${
      lines.length > 0
        ? html`<ol class="history" reversed>
            ${lines.map((line) => historyItem(line, messages))}
          </ol>`
        : html`<p class="muted">${messages.noHistory}</p>`
    }
  </section>`;
}

/** The part of the page that changes with the order: everything between the header and the footer. */
export function renderLiveRegion(view: PublicView, context: PageContext): SafeHtml {
  const messages = PAGE_MESSAGES[context.locale];
  const format = new PageFormat(context.locale, context.timeZone);
  const notice = buyerNotice(view);
  return html`<main
    id="live"
    data-token="${context.token}"
    data-version="${context.version}"
    data-status="${messages.states[view.status.state]}"
  >
    ${notice ? noticeOf(notice, messages, format) : null} ${statusCard(view, notice, messages, format)}
    ${milestoneList(view, messages, format)} ${parcelList(view, messages)}
    ${historyList(view, messages, format)}
  </main>`;
}

export function renderTrackingPage(view: PublicView, context: PageContext): SafeHtml {
  const messages = PAGE_MESSAGES[context.locale];
  const format = new PageFormat(context.locale, context.timeZone);
  const order = view.orderNumber;
  const body = html`<header>
      <p class="muted">${fill(messages.orderNumber, { order })}</p>
      <p>
        ${view.buyer.firstName ? fill(messages.greeting, { name: view.buyer.firstName }) : messages.greetingAnonymous}
      </p>
    </header>
    ${renderLiveRegion(view, context)}
    <footer>
      <p class="muted small">${fill(messages.timesShownIn, { zone: format.zoneName() })}</p>
      <p class="live muted small" id="live-badge" hidden>${messages.liveUpdates}</p>
      <p class="visually-hidden" id="announcer" aria-live="polite"></p>
    </footer>`;
  return layout(context.locale, context.nonce, fill(messages.title, { order }), body, trusted(LIVE_SCRIPT));
}

/** For a token that matches no order: said kindly, in the buyer's language, and nothing more. */
export function renderNotFoundPage(locale: PageLocale, nonce: string): SafeHtml {
  const messages = PAGE_MESSAGES[locale];
  const body = html`<main>
    <section class="card">
      <h1>${messages.notFoundTitle}</h1>
      <p>${messages.notFoundBody}</p>
    </section>
  </main>`;
  return layout(locale, nonce, messages.notFoundTitle, body, null);
}
