import { updateDocument, type Store } from '../store/store';
import type { Actor } from '../remediation/actor';
import type { AlertGroup } from './alert-group';

/** Acknowledge, Mute and Unmute: change the group, bump its version so every copy of the card is updated. */
export function createAlertControls(store: Store, clock: () => Date = () => new Date()) {
  const change = async (key: string, edit: (g: AlertGroup) => AlertGroup) =>
    (await updateDocument<AlertGroup>(store, 'alert-groups', key, (cur) => (cur ? { ...edit(cur), version: cur.version + 1 } : undefined))).value;
  return {
    get: async (key: string) => (typeof key === 'string' && key ? (await store.get<AlertGroup>('alert-groups', key))?.value : undefined),
    acknowledge: (key: string, by: Actor) => change(key, (g) => ({ ...g, ack: g.ack ?? { by, at: clock().toISOString() } })),
    mute: (key: string, by: Actor, hours: number) =>
      change(key, (g) => ({ ...g, muted: { by, until: new Date(clock().getTime() + hours * 3_600_000).toISOString() } })),
    // Occurrences counted while muted are on the group already: the card catches up as soon as it is delivered.
    unmute: (key: string) => change(key, (g) => ({ ...g, muted: undefined })),
  };
}

export type AlertControls = ReturnType<typeof createAlertControls>;
