import { TurnContext, type Activity } from 'botbuilder';
import type { Store } from '../store/store';

const COLLECTION = 'conversations';

/** Kept so that the bot can post into the conversation later (alerts, late card updates). */
export async function rememberConversation(store: Store, activity: Activity): Promise<void> {
  const reference = TurnContext.getConversationReference(activity);
  await store.put(COLLECTION, activity.conversation.id, {
    reference,
    conversationType: activity.conversation.conversationType ?? '',
    teamName: (activity.channelData as { team?: { name?: string } } | undefined)?.team?.name ?? '',
    installedAt: new Date().toISOString(),
  });
}

export async function forgetConversation(store: Store, conversationId: string): Promise<void> {
  await store.delete(COLLECTION, conversationId);
}
