import { type AllowanceStatus, allowanceStatus, periodStart } from '@gatehouse/core/charges';
import { requireAnyScope, shapeUserinfo } from '@gatehouse/core/resource';
import { inSpan, type ServiceOptions } from '@gatehouse/service-kit';
import type { FastifyPluginAsync } from 'fastify';
import { checkAccessToken, checkClientEnabled, checkUserActive } from '../access-token.js';
import { bearerCors, tokenOwner } from '../cors.js';

/**
 * `GET /api/oauth2/userinfo` (API.md §4, RFC 6750). The user, the app and the balance
 * are read fresh on every request: a top-up shows at once, a disabled user or app
 * stops at once.
 */
/** Any of these lets a token read userinfo; the first is what a 403 names (as before OpenID Connect). */
const USERINFO_SCOPES = ['profile', 'balance', 'openid', 'email'];

export const userinfoRoute: FastifyPluginAsync<ServiceOptions> = async (app, { stores, config }) => {
  bearerCors(app, stores, ['/api/oauth2/userinfo']);
  app.get('/api/oauth2/userinfo', async (request) =>
    inSpan('resource.userinfo', {}, async () => {
      const token = await checkAccessToken(request, stores);
      requireAnyScope(token.scopes, USERINFO_SCOPES);
      // One round trip for the user, their balance and the app: each query costs a socket write.
      const record = await stores.db.userinfo.read(token.userId, token.clientId);
      const active = checkUserActive(record?.user ?? null);
      tokenOwner(request, checkClientEnabled(record?.client ?? null, token));
      let allowance: AllowanceStatus | null = null;
      if (token.scopes.includes('charge')) {
        const now = new Date();
        const stored = await stores.db.charges.getAllowance(token.userId, token.clientId);
        if (stored) {
          const used = await stores.db.charges.usage(
            token.userId,
            token.clientId,
            periodStart(stored.period, now),
          );
          allowance = allowanceStatus(stored, used, now);
        }
      }
      return shapeUserinfo({
        user: active,
        allowance,
        balance: token.scopes.includes('balance') ? (record?.balance ?? null) : null,
        scopes: token.scopes,
        quotaPerUnit: config.quotaPerUnit,
        currency: config.currency,
        now: new Date(),
      });
    }),
  );
};
