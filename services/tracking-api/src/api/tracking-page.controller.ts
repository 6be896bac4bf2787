import { randomBytes } from 'node:crypto';
import { Controller, Get, Headers, HttpStatus, Param, Query, Res } from '@nestjs/common';
import { Public } from '@tracking/auth';
import { NotFoundError } from '@tracking/errors';
import { timeZoneOf } from '@tracking/time-zones';
import type { Response } from 'express';
import { TrackOrderUseCase, type TrackedOrder } from '../use-cases/track-order.use-case';
import { negotiatePageLocale } from './page/page-locale';
import { renderLiveRegion, renderNotFoundPage, renderTrackingPage } from './page/tracking-page';

/**
 * Headers of every answer under /track: the link is shared by forwarding, so nothing belongs
 * in a shared cache, a search index or another site's Referer; the page runs only its own
 * inline style and script (by this response's nonce) and talks only to its own origin.
 */
function setPageHeaders(response: Response, nonce: string): void {
  response.setHeader(
    'Content-Security-Policy',
    [
      `default-src 'self'`,
      `script-src 'nonce-${nonce}'`,
      `style-src 'nonce-${nonce}'`,
      `img-src 'self' data:`,
      `connect-src 'self'`,
      `object-src 'none'`,
      `base-uri 'none'`,
      `form-action 'none'`,
      `frame-ancestors 'none'`,
    ].join('; '),
  );
  response.setHeader('Cache-Control', 'private, no-cache');
  response.setHeader('X-Robots-Tag', 'noindex');
  response.setHeader('Referrer-Policy', 'no-referrer');
  response.setHeader('X-Content-Type-Options', 'nosniff');
  response.setHeader('Vary', 'Accept-Language');
  response.setHeader('Content-Type', 'text/html; charset=utf-8');
}

/**
 * The buyer's tracking page: server-rendered HTML from the same view as GET /v1/track/:token,
 * in the buyer's language (Accept-Language) and time zone (the destination country).
 * `?fragment=live` answers only the part of the page that changes, for the page's live script.
 */
@Controller('track/:token')
@Public()
export class TrackingPageController {
  constructor(private readonly trackOrder: TrackOrderUseCase) {}

  @Get()
  async page(
    @Param('token') token: string,
    @Query('fragment') fragment: string | undefined,
    @Headers('accept-language') acceptLanguage: string | undefined,
    @Res() response: Response,
  ): Promise<void> {
    const locale = negotiatePageLocale(acceptLanguage);
    const nonce = randomBytes(16).toString('base64');
    setPageHeaders(response, nonce);

    let tracked: TrackedOrder;
    try {
      // The use case holds every answer to the same floor, so the 404 page times like a found order.
      tracked = await this.trackOrder.execute(token);
    } catch (error) {
      if (!(error instanceof NotFoundError)) throw error;
      response.status(HttpStatus.NOT_FOUND).send(renderNotFoundPage(locale, nonce).markup);
      return;
    }

    const context = {
      locale,
      // The page shows no more of the address than city and country, so the country decides;
      // without one, UTC. The footer prints the zone used, so an hour off is never silent.
      timeZone: timeZoneOf({ countryCode: tracked.view.destination.countryCode }) ?? 'UTC',
      token,
      version: tracked.version,
      nonce,
    };
    const markup =
      fragment === 'live'
        ? renderLiveRegion(tracked.view, context)
        : renderTrackingPage(tracked.view, context);
    response.status(HttpStatus.OK).send(markup.markup);
  }
}

/**
 * The short form of the tracking link, the one order-intake and notification hand out
 * (PUBLIC_TRACKING_BASE_URL plus the token): short enough to leave room in one SMS segment. It
 * answers every token with the same redirect to the page, looking nothing up, so it tells a
 * guesser no more than the page does.
 */
@Controller('t/:token')
@Public()
export class TrackingLinkController {
  @Get()
  redirect(@Param('token') token: string, @Res() response: Response): void {
    response.setHeader('Cache-Control', 'private, no-cache');
    response.setHeader('X-Robots-Tag', 'noindex');
    response.setHeader('Referrer-Policy', 'no-referrer');
    response.redirect(HttpStatus.FOUND, `/track/${encodeURIComponent(token)}`);
  }
}
