import { assertSafeParameters, parseFormEncoded } from '@gatehouse/core';
import type { FastifyRequest } from 'fastify';

/**
 * SEC-30: a `preValidation` hook for every service. The query (re-read strictly from the
 * raw URL, since the lenient query parser keeps undecodable `%FF` as text), the route
 * parameters and the parsed body must be valid UTF-8 without NUL; otherwise the request is
 * an `invalid_request` (400) in the service's own error format, before any store is asked.
 */
export async function refuseUnsafeInput(request: FastifyRequest): Promise<void> {
  const question = request.url.indexOf('?');
  if (question >= 0) parseFormEncoded(request.url.slice(question + 1));
  assertSafeParameters(request.params);
  assertSafeParameters(request.body);
}

/**
 * The `parser` option of `@fastify/formbody`: form bodies are decoded strictly, so invalid
 * UTF-8 is refused rather than turned into U+FFFD or kept as literal `%FF` (SEC-30).
 */
export function parseStrictForm(body: string): Record<string, string | string[]> {
  return parseFormEncoded(body);
}
