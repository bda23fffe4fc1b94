import type { TokenEndpointAuthMethod, UserinfoReader, UserinfoRecord } from '@gatehouse/core';
import { eq, sql } from 'drizzle-orm';
import type { Db } from '../connection.js';
import { translateErrors } from '../errors.js';
import { balances } from '../schema/balances.js';
import { clients } from '../schema/clients.js';
import { users } from '../schema/users.js';

export function createUserinfoReader(db: Db): UserinfoReader {
  // Drizzle turns a left-joined object into null when its first column is null: each starts
  // with its table's primary key.
  const read = db
    .select({
      user: {
        id: users.id,
        username: users.username,
        email: users.email,
        emailVerified: users.emailVerified,
        status: users.status,
        createdAt: users.createdAt,
      },
      balance: {
        userId: balances.userId,
        quota: balances.quota,
        usedQuota: balances.usedQuota,
        held: balances.held,
      },
      // The rest of the client says which web origins may read the answer (CORS, SEC-55).
      client: {
        id: clients.id,
        clientId: clients.clientId,
        disabled: clients.disabled,
        tokenEndpointAuthMethod: clients.tokenEndpointAuthMethod,
        redirectUris: clients.redirectUris,
        allowedOrigins: clients.allowedOrigins,
      },
    })
    .from(users)
    .leftJoin(balances, eq(balances.userId, users.id))
    // Not joined on the user: the token's client, or no row when it was deleted.
    .leftJoin(clients, eq(clients.id, sql.placeholder('clientId')))
    .where(eq(users.id, sql.placeholder('userId')))
    .prepare('userinfo_read');

  return translateErrors({
    async read(userId: number, clientId: number): Promise<UserinfoRecord | null> {
      const [row] = await read.execute({ userId, clientId });
      if (!row) return null;
      const { user, balance, client } = row;
      // The balance's user id was selected only to tell a missing row from a present one.
      return {
        user,
        balance: balance && { quota: balance.quota, usedQuota: balance.usedQuota, held: balance.held },
        client: client && {
          ...client,
          tokenEndpointAuthMethod: client.tokenEndpointAuthMethod as TokenEndpointAuthMethod,
        },
      };
    },
  });
}
