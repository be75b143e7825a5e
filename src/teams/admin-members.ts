/**
 * Which listed admins are members of a conversation, as their Teams MRIs (for a card's refresh). Looking
 * them up costs one Bot Connector call per admin, so each conversation's answer is kept for `ttlMs`: a
 * channel busy with pastes asks Teams once every few minutes, not 60 times a paste. Bounded in size.
 */
export function createAdminMembers(ttlMs = 10 * 60_000, max = 1000, clock: () => number = Date.now) {
  const known = new Map<string, { at: number; mris: Promise<string[]> }>();
  return (conversationId: string, lookup: () => Promise<string[]>): Promise<string[]> => {
    const now = clock();
    const hit = known.get(conversationId);
    if (hit && now - hit.at < ttlMs) return hit.mris;
    if (known.size >= max) known.delete(known.keys().next().value!); // the oldest entry
    const mris = lookup();
    known.set(conversationId, { at: now, mris });
    return mris;
  };
}
