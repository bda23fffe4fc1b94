import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ReceivedDelivery {
  headers: IncomingHttpHeaders;
  /** The raw body, as the signature covers it. */
  body: string;
}

/**
 * An app's webhook endpoint on loopback for the end-to-end webhook tests: keeps every
 * delivery it gets and answers each with `answer(delivery)` (default 204).
 */
export async function startWebhookReceiver(answer: (delivery: ReceivedDelivery) => number = () => 204) {
  const received: ReceivedDelivery[] = [];
  const server = createServer((request, response) => {
    let body = '';
    request.setEncoding('utf8');
    request.on('data', (chunk) => {
      body += chunk;
    });
    request.on('end', () => {
      const delivery = { headers: request.headers, body };
      received.push(delivery);
      response.statusCode = answer(delivery);
      response.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks`,
    received,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
