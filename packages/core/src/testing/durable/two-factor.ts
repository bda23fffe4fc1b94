import { describe, expect, it } from 'vitest';
import { createUser, randomHash, useStores } from './fixtures.js';

export function describeTwoFactorStoreContract(open: Parameters<typeof useStores>[0]): void {
  describe('TwoFactorStore', () => {
    const stores = useStores(open);
    const now = new Date(Math.floor(Date.now() / 1000) * 1000);
    const hashes = (n = 10) => Array.from({ length: n }, () => randomHash());

    it('enrolment starts unconfirmed, may restart, and confirms once with its recovery codes', async () => {
      const user = await createUser(stores());
      const twoFactor = stores().twoFactor;
      expect(await twoFactor.findTotp(user.id)).toBeNull();
      expect(await twoFactor.status(user.id)).toEqual({ totp: false, recoveryCodesLeft: 0 });
      expect(await twoFactor.confirmTotp(user.id, 1, hashes(), now)).toBe(false);

      expect(await twoFactor.beginTotp(user.id, 'jwe-1', now)).toBe(true);
      expect(await twoFactor.beginTotp(user.id, 'jwe-2', now)).toBe(true);
      expect(await twoFactor.findTotp(user.id)).toEqual({
        userId: user.id,
        encryptedSecret: 'jwe-2',
        confirmedAt: null,
        lastUsedStep: null,
        createdAt: now,
      });
      expect(await twoFactor.status(user.id)).toEqual({ totp: false, recoveryCodesLeft: 0 });

      expect(await twoFactor.confirmTotp(user.id, 56_666_666, hashes(), now)).toBe(true);
      expect(await twoFactor.confirmTotp(user.id, 56_666_667, hashes(), now)).toBe(false);
      expect(await twoFactor.findTotp(user.id)).toMatchObject({
        encryptedSecret: 'jwe-2',
        confirmedAt: now,
        lastUsedStep: 56_666_666,
      });
      expect(await twoFactor.status(user.id)).toEqual({ totp: true, recoveryCodesLeft: 10 });
      // A confirmed factor is not replaced by a new enrolment: it must be removed first.
      expect(await twoFactor.beginTotp(user.id, 'jwe-3', now)).toBe(false);
      expect((await twoFactor.findTotp(user.id))?.encryptedSecret).toBe('jwe-2');
    });

    it('a time step is accepted only when newer than the last one, by exactly one of concurrent callers', async () => {
      const user = await createUser(stores());
      const twoFactor = stores().twoFactor;
      expect(await twoFactor.useTotpStep(user.id, 10)).toBe(false);
      await twoFactor.beginTotp(user.id, 'jwe', now);
      await twoFactor.confirmTotp(user.id, 100, hashes(), now);
      expect(await twoFactor.useTotpStep(user.id, 100)).toBe(false);
      expect(await twoFactor.useTotpStep(user.id, 99)).toBe(false);
      const results = await Promise.all(Array.from({ length: 8 }, () => twoFactor.useTotpStep(user.id, 101)));
      expect(results.filter(Boolean)).toHaveLength(1);
      expect((await twoFactor.findTotp(user.id))?.lastUsedStep).toBe(101);
      expect(await twoFactor.useTotpStep(user.id, 2_000_000_000_000)).toBe(true);
    });

    it('a recovery code works once, for its own user only; concurrent uses: one wins', async () => {
      const user = await createUser(stores());
      const other = await createUser(stores());
      const twoFactor = stores().twoFactor;
      const codes = hashes();
      await twoFactor.beginTotp(user.id, 'jwe', now);
      await twoFactor.confirmTotp(user.id, 1, codes, now);
      expect(await twoFactor.useRecoveryCode(other.id, codes[0]!, now)).toBe(false);
      expect(await twoFactor.useRecoveryCode(user.id, randomHash(), now)).toBe(false);
      expect(await twoFactor.useRecoveryCode(user.id, codes[0]!, now)).toBe(true);
      expect(await twoFactor.useRecoveryCode(user.id, codes[0]!, now)).toBe(false);
      const results = await Promise.all(
        Array.from({ length: 6 }, () => twoFactor.useRecoveryCode(user.id, codes[1]!, now)),
      );
      expect(results.filter(Boolean)).toHaveLength(1);
      expect(await twoFactor.status(user.id)).toEqual({ totp: true, recoveryCodesLeft: 8 });
    });

    it('re-enrolment after removal replaces the recovery codes; removal deletes everything', async () => {
      const user = await createUser(stores());
      const twoFactor = stores().twoFactor;
      const first = hashes();
      await twoFactor.beginTotp(user.id, 'jwe-a', now);
      await twoFactor.confirmTotp(user.id, 1, first, now);
      expect(await twoFactor.remove(user.id)).toBe(true);
      expect(await twoFactor.remove(user.id)).toBe(false);
      expect(await twoFactor.findTotp(user.id)).toBeNull();
      expect(await twoFactor.status(user.id)).toEqual({ totp: false, recoveryCodesLeft: 0 });
      expect(await twoFactor.useRecoveryCode(user.id, first[0]!, now)).toBe(false);

      const second = hashes(3);
      await twoFactor.beginTotp(user.id, 'jwe-b', now);
      await twoFactor.confirmTotp(user.id, 5, second, now);
      expect(await twoFactor.status(user.id)).toEqual({ totp: true, recoveryCodesLeft: 3 });
      expect(await twoFactor.useRecoveryCode(user.id, first[1]!, now)).toBe(false);
      expect(await twoFactor.useRecoveryCode(user.id, second[2]!, now)).toBe(true);
    });
  });
}
