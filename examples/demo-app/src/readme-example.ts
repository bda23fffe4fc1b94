import { randomUUID } from 'node:crypto';
import cookie from '@fastify/cookie';
import { createGatehouseClient, MemoryTokenStore, SignInRequiredError } from '@gatehouse/sdk';
import Fastify, { type FastifyReply, type FastifyRequest } from 'fastify';

const gatehouse = createGatehouseClient({
  issuer: 'https://auth.example.com',
  clientId: process.env.GATEHOUSE_CLIENT_ID!,
  clientSecret: process.env.GATEHOUSE_CLIENT_SECRET!, // server side only, never in the browser
  redirectUri: 'https://app.example.com/oauth/callback',
});
const tokens = new MemoryTokenStore(); // or your own store: see "Your own token store"
const pending = new Map<string, { state: string; codeVerifier: string }>();
const app = Fastify().register(cookie, { secret: process.env.COOKIE_SECRET! });
const sid = (req: FastifyRequest) => req.unsignCookie(req.cookies.sid ?? '').value;
function newSid(reply: FastifyReply): string {
  const id = randomUUID(); // a fresh session id at each login step: no session fixation
  reply.setCookie('sid', id, { signed: true, httpOnly: true, secure: true, sameSite: 'lax', path: '/' });
  return id;
}
app.get('/auth/oauth/start', async (_req, reply) => {
  const login = await gatehouse.createAuthorizationRequest({ scope: 'profile balance', autoAuthorize: true });
  pending.set(newSid(reply), login);
  return reply.redirect(login.url);
});
app.get('/oauth/callback', async (req, reply) => {
  const saved = pending.get(sid(req) ?? '');
  pending.delete(sid(req) ?? '');
  await gatehouse.session(tokens, newSid(reply)).handleCallback(req.query, saved);
  return reply.redirect('/');
});
app.get('/api/user/info', (req) => gatehouse.session(tokens, sid(req)).userinfo());
app.get('/api/topup', async (req) => ({ topup_url: await gatehouse.session(tokens, sid(req)).topupUrl() }));
app.post('/auth/logout', async (req) => ({ loggedOut: await gatehouse.session(tokens, sid(req)).revoke() }));
app.setErrorHandler((err, req, reply) => {
  if (err instanceof SignInRequiredError) return reply.code(401).send({ error: 'login_required' });
  return req.url.startsWith('/oauth/') ? reply.redirect('/?error=login') : reply.send(err);
});
await app.listen({ port: 3001 });
