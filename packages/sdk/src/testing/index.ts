/**
 * `@gatehouse/sdk/testing`: a fake Gatehouse to test an app's login, refresh, userinfo and
 * charges code against without a server, and a webhook receiver for delivery tests.
 */

export type { FakeAccount } from './fake-charges.js';
export {
  CLIENT_ID,
  CLIENT_SECRET,
  type FakeGatehouse,
  type FakeGatehouseOptions,
  fakeGatehouse,
  REDIRECT_URI,
  type RecordedRequest,
} from './fake-gatehouse.js';
export { type ReceivedDelivery, startWebhookReceiver } from './webhook-receiver.js';
