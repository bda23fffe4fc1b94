/**
 * SEC-32: the largest balance (and used quota) a user may hold: 2^53 - 1 quota units, what
 * a JSON number carries exactly. Every balance change is refused beyond it, in the same
 * statement that would apply it, so no path (admin credit, top-up code, future ones) can
 * make userinfo or the admin API unable to answer.
 */
export const MAX_BALANCE = 2n ** 53n - 1n;
