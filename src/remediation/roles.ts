import type { Actor } from './actor';

/** Who may do what, by Entra object id: admins change things, readers see the tenant's configuration. */
export type Role = 'everyone' | 'reader' | 'admin';

export interface Roles {
  /** ADMIN_USERS: Fix now, Undo, subscribe, unsubscribe, acknowledge, mute (and everything readers do). */
  admins: '*' | readonly string[];
  /** READER_USERS: connectors, audit, subscriptions. */
  readers: '*' | readonly string[];
}

const listed = (list: '*' | readonly string[], actor: Actor) => {
  if (list === '*') return true;
  const id = actor.aadObjectId.trim().toLowerCase();
  return id !== '' && list.includes(id); // a user without an object id is never in a list
};

/** The most this user may do. */
export function roleOf(roles: Roles, actor: Actor): Role {
  if (listed(roles.admins, actor)) return 'admin';
  if (listed(roles.readers, actor)) return 'reader';
  return 'everyone';
}

const RANK: Record<Role, number> = { everyone: 0, reader: 1, admin: 2 };

/** True when the user's role covers what `needed` asks (admins are readers too). */
export function mayAct(roles: Roles, actor: Actor, needed: Role): boolean {
  return RANK[roleOf(roles, actor)] >= RANK[needed];
}
