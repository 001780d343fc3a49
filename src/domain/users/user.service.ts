import { UniqueConstraintViolationException, type MikroORM } from '@mikro-orm/postgresql';
import { z } from 'zod';
import { isUuid } from '../ids.js';
import { parseInput } from '../input.js';
import { UserSchema, type User } from './user.entity.js';
import { UsersError } from './users.errors.js';

export interface UserView {
  id: string;
  name: string;
  email: string | null;
  createdAt: string;
}

const createInput = z.object({
  name: z.string().trim().min(1).max(200),
  email: z.string().trim().toLowerCase().email().max(320).nullish(),
});

export type CreateUserInput = z.input<typeof createInput>;

const invalidUser = (message: string, field: string) => new UsersError('INVALID_USER_INPUT', message, { field });

export class UserService {
  constructor(private readonly orm: MikroORM) {}

  async create(input: CreateUserInput): Promise<UserView> {
    const data = parseInput(createInput, input, invalidUser);
    const em = this.orm.em.fork();
    const user = em.create(UserSchema, { name: data.name, email: data.email ?? null });
    try {
      await em.flush();
    } catch (err) {
      if (err instanceof UniqueConstraintViolationException) {
        throw new UsersError('EMAIL_TAKEN', 'a user with this email already exists', { field: 'email' });
      }
      throw err;
    }
    return toUserView(user);
  }

  async get(id: string): Promise<UserView | null> {
    if (!isUuid(id)) return null;
    const user = await this.orm.em.fork().findOne(UserSchema, { id });
    return user ? toUserView(user) : null;
  }
}

function toUserView(u: User): UserView {
  return { id: u.id, name: u.name, email: u.email ?? null, createdAt: u.createdAt.toISOString() };
}
