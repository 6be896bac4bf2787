import { type Agent, request } from 'node:http';
import { clock } from './stats';

export interface SseEvent {
  id?: string;
  event: string;
  data: string;
  /** When the benchmark had read the whole event. */
  receivedAt: number;
}

export interface SseStream {
  /** Resolves with the status once the answer's head arrived; rejects if the connection failed. */
  opened: Promise<number>;
  close(): void;
}

/**
 * A minimal Server-Sent Events reader: one long-lived GET, events split on blank lines, each
 * handed over with the moment it was read. No reconnection: a stream that ends is reported.
 */
export function openSse(
  agent: Agent,
  baseUrl: string,
  path: string,
  onEvent: (event: SseEvent) => void,
  onEnd: (reason: string) => void,
): SseStream {
  const url = new URL(baseUrl);
  let closed = false;
  let settle: { resolve(status: number): void; reject(error: Error): void } | undefined;
  const opened = new Promise<number>((resolve, reject) => {
    settle = { resolve, reject };
  });
  const req = request(
    {
      host: url.hostname,
      port: url.port,
      path,
      method: 'GET',
      agent,
      headers: { accept: 'text/event-stream' },
    },
    (response) => {
      settle?.resolve(response.statusCode ?? 0);
      if (response.statusCode !== 200) {
        response.resume();
        return;
      }
      response.setEncoding('utf8');
      let buffer = '';
      response.on('data', (chunk: string) => {
        buffer += chunk;
        for (let end = buffer.indexOf('\n\n'); end >= 0; end = buffer.indexOf('\n\n')) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          const event: SseEvent = { event: 'message', data: '', receivedAt: clock() };
          const data: string[] = [];
          for (const line of block.split('\n')) {
            if (line.startsWith(':')) continue;
            const colon = line.indexOf(':');
            const field = colon < 0 ? line : line.slice(0, colon);
            const value = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
            if (field === 'data') data.push(value);
            else if (field === 'event') event.event = value;
            else if (field === 'id') event.id = value;
          }
          if (data.length === 0) continue;
          event.data = data.join('\n');
          onEvent(event);
        }
      });
      response.once('end', () => {
        if (!closed) onEnd('the stream ended');
      });
      response.once('error', (error) => {
        if (!closed) onEnd(error.message);
      });
    },
  );
  req.once('error', (error) => {
    settle?.reject(error);
    if (!closed) onEnd(error.message);
  });
  req.end();
  return {
    opened,
    close: () => {
      closed = true;
      req.destroy();
    },
  };
}
