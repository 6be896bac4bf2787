import { Inject, Injectable, Logger, type OnApplicationShutdown } from '@nestjs/common';
import { backoffDelay, DependencyUnavailableError, sleep, TrackingError } from '@tracking/errors';
import CircuitBreaker from 'opossum';
import { CarrierPayloadError, type CarrierAdapter, type TrackingReport } from '../carriers/carrier-adapter';
import { CARRIER_ADAPTERS } from '../carriers/carrier-adapters.provider';
import { CarrierIngestConfig } from '../config/carrier-ingest.config';
import { CARRIER_SETTINGS, type CarrierSettings } from '../config/carrier-settings';
import { carrierMetrics } from '../domain/metrics';
import { TokenBucket } from './rate-limiter';

/** The carrier's API could not answer (down, overloaded, circuit open); says why, for lastPollError and logs. */
class CarrierApiUnavailableError extends DependencyUnavailableError {
  constructor(carrier: string, cause: unknown) {
    super(`${carrier} tracking API`, cause);
    this.message = `${carrier} tracking API is unavailable: ${cause instanceof Error ? cause.message : String(cause)}`;
  }
}

/** A failure worth another try: the carrier is slow, overloaded or briefly down. */
class TransientCarrierError extends Error {
  override name = 'TransientCarrierError';
}

interface CarrierChannel {
  breaker: CircuitBreaker<[string], TrackingReport>;
  limiter: TokenBucket;
}

/**
 * Asks carriers' tracking APIs about a number: per request a timeout; per poll a few attempts
 * with jittered backoff for timeouts, 429s and 5xx; per carrier a rate limit and a circuit
 * breaker, so a carrier that is down is left alone instead of being hammered by every shipment.
 */
@Injectable()
export class CarrierApiClient implements OnApplicationShutdown {
  private readonly log = new Logger(CarrierApiClient.name);
  private readonly channels = new Map<string, CarrierChannel>();
  private readonly stopping = new AbortController();

  constructor(
    @Inject(CARRIER_ADAPTERS) private readonly adapters: ReadonlyMap<string, CarrierAdapter>,
    @Inject(CARRIER_SETTINGS) private readonly settings: ReadonlyMap<string, CarrierSettings>,
    private readonly config: CarrierIngestConfig,
  ) {}

  canPoll(carrier: string): boolean {
    const settings = this.settings.get(carrier);
    return Boolean(settings?.apiBaseUrl && this.adapters.get(carrier)?.pollRequest);
  }

  /** The carrier's answer, or DependencyUnavailableError once retries are spent or the circuit is open. */
  async track(carrier: string, trackingNumber: string): Promise<TrackingReport> {
    if (!this.canPoll(carrier)) {
      throw new TrackingError(
        'CONFLICT',
        `${carrier} is not configured for polling (CARRIER_${carrier.toUpperCase()}_API_BASE_URL)`,
      );
    }
    const channel = this.channel(carrier);
    try {
      const report = await channel.breaker.fire(trackingNumber);
      carrierMetrics.polls().inc({ carrier, outcome: report.notFound ? 'not_found' : 'ok' });
      return report;
    } catch (error) {
      carrierMetrics.polls().inc({ carrier, outcome: channel.breaker.opened ? 'circuit_open' : 'failed' });
      // An answer we cannot read is the carrier's answer, not the carrier being away.
      if (error instanceof TrackingError || error instanceof CarrierPayloadError) throw error;
      throw new CarrierApiUnavailableError(carrier, error);
    }
  }

  onApplicationShutdown(): void {
    this.stopping.abort();
    for (const { breaker } of this.channels.values()) breaker.shutdown();
  }

  private channel(carrier: string): CarrierChannel {
    const existing = this.channels.get(carrier);
    if (existing) return existing;
    const settings = this.settings.get(carrier)!;
    const breaker = new CircuitBreaker(
      (trackingNumber: string) => this.requestWithRetries(carrier, trackingNumber),
      {
        // Our own timeouts and retries bound each call; the breaker only counts their outcome.
        timeout: false,
        errorThresholdPercentage: 50,
        volumeThreshold: 5,
        resetTimeout: this.config.CIRCUIT_RESET_MS,
        // A payload we cannot read is the carrier's answer, not the carrier being down.
        errorFilter: (error: unknown) => !(error instanceof TransientCarrierError),
      },
    );
    const gauge = carrierMetrics.circuitOpen();
    breaker.on('open', () => {
      gauge.set({ carrier }, 1);
      this.log.warn(
        `${carrier} tracking API failing: requests suspended for ${this.config.CIRCUIT_RESET_MS} ms`,
      );
    });
    breaker.on('close', () => gauge.set({ carrier }, 0));
    const channel = { breaker, limiter: new TokenBucket(settings.rateLimitPerSecond) };
    this.channels.set(carrier, channel);
    return channel;
  }

  private async requestWithRetries(carrier: string, trackingNumber: string): Promise<TrackingReport> {
    const attempts = this.config.POLL_MAX_ATTEMPTS;
    for (let attempt = 1; ; attempt += 1) {
      try {
        return await this.requestOnce(carrier, trackingNumber);
      } catch (error) {
        if (!(error instanceof TransientCarrierError) || attempt >= attempts || this.stopping.signal.aborted)
          throw error;
        await sleep(backoffDelay(attempt, { initialDelayMs: 200, maxDelayMs: 5_000 }), this.stopping.signal);
      }
    }
  }

  private async requestOnce(carrier: string, trackingNumber: string): Promise<TrackingReport> {
    const adapter = this.adapters.get(carrier)!;
    const settings = this.settings.get(carrier)!;
    const channel = this.channels.get(carrier)!;
    await channel.limiter.take(this.stopping.signal);
    const request = adapter.pollRequest!(trackingNumber, {
      ...(settings.apiKey ? { apiKey: settings.apiKey } : {}),
    });
    let response: Response;
    try {
      response = await fetch(`${settings.apiBaseUrl}${request.path}`, {
        method: request.method,
        headers: request.headers,
        ...(request.body !== undefined ? { body: request.body } : {}),
        signal: AbortSignal.any([AbortSignal.timeout(this.config.POLL_TIMEOUT_MS), this.stopping.signal]),
      });
    } catch (error) {
      throw new TransientCarrierError(
        `${carrier} did not answer: ${error instanceof Error ? error.message : String(error)}`,
      );
    }
    const body = await response.text().catch(() => '');
    if (response.status === 429 || response.status >= 500) {
      throw new TransientCarrierError(`${carrier} answered ${response.status}`);
    }
    return adapter.parsePollResponse!(trackingNumber, response.status, body);
  }
}
