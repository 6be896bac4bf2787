import { NotFoundError } from '@tracking/errors';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * The id in a path such as /v1/orders/:orderId, in the form it is stored. Ids are UUIDs: anything
 * else names nothing, which is a 404 like any other unknown id, never a 4xx that would tell a
 * caller more than "no such thing".
 */
export function idFromPath(value: string, what: string): string {
  if (!UUID.test(value)) throw new NotFoundError(what, value);
  return value.toLowerCase();
}
