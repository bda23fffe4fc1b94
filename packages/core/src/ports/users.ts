export type UserStatus = 'active' | 'disabled';

export interface User {
  id: number;
  username: string;
  email: string;
  /** argon2id PHC string. */
  passwordHash: string;
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
  /** True when no user exists yet (seeding runs only on an empty database). */
  isEmpty(): Promise<boolean>;
}
