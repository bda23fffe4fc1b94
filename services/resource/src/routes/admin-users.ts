import { DuplicateError, revokeUserGrants } from '@gatehouse/core';
import { describeProblems, validateNewUser } from '@gatehouse/core/accounts';
import { unixSeconds } from '@gatehouse/core/resource';
import { hashPassword, type ServiceOptions } from '@gatehouse/service-kit';
import type { FastifyPluginAsync } from 'fastify';
import { ApiError, badRequest, notFound, ok } from '../envelope.js';
import { adminUserJson, twoFactorJson } from '../presenters.js';
import { audit, numericId } from '../request-parts.js';

const createSchema = {
  body: {
    type: 'object',
    required: ['username', 'email', 'password'],
    properties: {
      username: { type: 'string', maxLength: 1000 },
      email: { type: 'string', maxLength: 1000 },
      password: { type: 'string', maxLength: 4096 },
    },
  },
} as const;

const listSchema = {
  querystring: {
    type: 'object',
    properties: {
      q: { type: 'string', maxLength: 200 },
      limit: { type: 'integer', minimum: 1, maximum: 200, default: 50 },
      offset: { type: 'integer', minimum: 0, maximum: 1_000_000, default: 0 },
    },
  },
} as const;

/** What a clash on each unique field is called in a message. */
const TAKEN: Record<string, string> = {
  username: 'the username is already taken',
  email: 'the email address is already registered',
};

/** Admin user management: create, list (with balances), disable. */
export const adminUserRoutes: FastifyPluginAsync<ServiceOptions> = async (app, { stores, config }) => {
  app.post('/api/admin/users', { schema: createSchema }, async (request, reply) => {
    const checked = validateNewUser(request.body as Record<string, unknown>);
    if (!checked.ok) throw badRequest(describeProblems(checked.problems));
    const { username, email, password } = checked.value;
    let user: Awaited<ReturnType<typeof stores.db.users.create>>;
    try {
      user = await stores.db.users.create({ username, email, passwordHash: await hashPassword(password) });
    } catch (error) {
      if (error instanceof DuplicateError) {
        throw new ApiError(409, TAKEN[error.field] ?? `${error.field} is already taken`);
      }
      throw error;
    }
    await audit(stores, request, { type: 'user.created', actor: 'admin', userId: user.id });
    reply.code(201);
    return ok('user created', {
      id: user.id,
      username: user.username,
      email: user.email,
      email_verified: user.emailVerified,
      status: user.status,
      created_time: unixSeconds(user.createdAt),
    });
  });

  app.get('/api/admin/users', { schema: listSchema }, async (request) => {
    const { q, limit, offset } = request.query as { q?: string; limit: number; offset: number };
    const users = await stores.db.users.list({ q: q || undefined, limit, offset });
    const balances = await Promise.all(users.map((u) => stores.db.ledger.getBalance(u.id)));
    return ok(
      `${users.length} user(s)`,
      users.map((user, i) => adminUserJson(user, balances[i] ?? null, config)),
    );
  });

  /** The user named by `:id`, or 404. */
  const userOf = async (raw: string) => {
    const id = numericId(raw);
    const user = id === null ? null : await stores.db.users.findById(id);
    if (!user) throw notFound(`no user with id ${raw}`);
    return user;
  };

  app.get('/api/admin/users/:id', async (request) => {
    const user = await userOf((request.params as { id: string }).id);
    const [balance, twoFactor, passkeys] = await Promise.all([
      stores.db.ledger.getBalance(user.id),
      stores.db.twoFactor.status(user.id),
      stores.db.passkeys.listByUser(user.id),
    ]);
    return ok('user', {
      ...adminUserJson(user, balance, config),
      two_factor: twoFactorJson(twoFactor, passkeys.length),
    });
  });

  // For a user who lost their authenticator and recovery codes, after the operator has
  // checked who is asking: the account is back to password-only sign-in (SEC-72).
  app.delete('/api/admin/users/:id/two-factor', async (request) => {
    const user = await userOf((request.params as { id: string }).id);
    const before = await stores.db.twoFactor.status(user.id);
    const totpRemoved = await stores.db.twoFactor.remove(user.id);
    const passkeysRemoved = await stores.db.passkeys.removeAll(user.id);
    const removed = totpRemoved || passkeysRemoved > 0;
    if (removed) {
      await audit(stores, request, {
        type: 'two_factor.reset',
        actor: 'admin',
        userId: user.id,
        data: { totp: before.totp, recovery_codes_left: before.recoveryCodesLeft, passkeys: passkeysRemoved },
      });
    }
    const [balance, twoFactor, passkeys] = await Promise.all([
      stores.db.ledger.getBalance(user.id),
      stores.db.twoFactor.status(user.id),
      stores.db.passkeys.listByUser(user.id),
    ]);
    return ok(removed ? 'two-factor authentication reset' : 'the user had no second factor', {
      ...adminUserJson(user, balance, config),
      two_factor: twoFactorJson(twoFactor, passkeys.length),
    });
  });

  app.post('/api/admin/users/:id/disable', async (request) => {
    const raw = (request.params as { id: string }).id;
    const id = numericId(raw);
    const existing = id === null ? null : await stores.db.users.findById(id);
    if (!existing || id === null) throw notFound(`no user with id ${raw}`);
    // Status first: every token check reads it, so the user's tokens stop working
    // from this moment; the revocation then removes them for good.
    const user = await stores.db.users.setStatus(id, 'disabled');
    if (!user) throw notFound(`no user with id ${raw}`);
    await revokeUserGrants(stores, id, null, new Date(), 'account_disabled');
    await audit(stores, request, {
      type: 'user.disabled',
      actor: 'admin',
      userId: id,
      data: { previous_status: existing.status },
    });
    return ok(
      'user disabled and all their tokens revoked',
      adminUserJson(user, await stores.db.ledger.getBalance(id), config),
    );
  });
};
