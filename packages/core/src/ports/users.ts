export type UserStatus = 'active' | 'disabled';

export interface User {
  id: number;
  username: string;
  email: string;
  /** A link mailed to `email` was followed (SEC-61). */
  emailVerified: boolean;
  /** argon2id PHC string. */
  passwordHash: string;
  /** Raised by every password change or reset; sessions of an older epoch are over (SEC-63). */
  sessionEpoch: number;
  status: UserStatus;
  createdAt: Date;
}

export interface NewUser {
  username: string;
  email: string;
  passwordHash: string;
}

export interface UserListQuery {
  /** Case-insensitive substring of username or email. */
  q?: string;
  limit: number;
  offset: number;
}

export interface UserStore {
  /** Creates the user and a zero balance in one transaction. Throws `DuplicateError` on a taken username or email. */
  create(user: NewUser): Promise<User>;
  findById(id: number): Promise<User | null>;
  /** Looks a user up by username or email, case-insensitively. */
  findByLogin(usernameOrEmail: string): Promise<User | null>;
  list(query: UserListQuery): Promise<User[]>;
  setStatus(id: number, status: UserStatus): Promise<User | null>;
  /**
   * Marks the address verified — only while it is still the user's address (compared
   * case-insensitively), so a link to an old address never verifies a new one. True when it did.
   */
  markEmailVerified(id: number, email: string): Promise<boolean>;
  /** Replaces the address (canonical form) and marks it unverified. Throws `DuplicateError` when taken. */
  changeEmail(id: number, email: string): Promise<User | null>;
  /** Replaces the password hash and raises the session epoch in one statement. */
  setPassword(id: number, passwordHash: string): Promise<User | null>;
  /** True when no user exists yet (seeding runs only on an empty database). */
  isEmpty(): Promise<boolean>;
}
