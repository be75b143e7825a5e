// Renders Adaptive Cards with Microsoft's renderer (window.AdaptiveCards, from the adaptivecards
// package) under a Teams-like host config, and reports button presses as plain descriptions.
import { renderTeamsMarkdown } from './teams-markdown.js';

const AC = window.AdaptiveCards;

export const rendererAvailable = () => Boolean(AC);

/** Teams' Markdown subset, built as nodes and serialised (every <, > and & escaped) for the renderer. */
export function installMarkdown() {
  AC.AdaptiveCard.onProcessMarkdown = (text, result) => {
    const holder = document.createElement('div');
    holder.append(renderTeamsMarkdown(text));
    result.outputHtml = holder.innerHTML;
    result.didProcess = true;
  };
}

export function hostConfigOf(json) {
  return new AC.HostConfig(json);
}

/**
 * The rendered card, or a short notice when the renderer cannot show it. `onAction` receives
 * { kind: 'execute' | 'submit' | 'openUrl', ... } for the buttons a host must handle itself.
 */
export function renderCard(json, hostConfig, onAction) {
  const card = new AC.AdaptiveCard();
  card.hostConfig = hostConfig;
  card.onExecuteAction = (action) => onAction(describe(action));
  card.parse(json, new AC.SerializationContext(new AC.Version(1, 5)));
  return card.render() ?? null;
}

function describe(action) {
  if (action instanceof AC.ExecuteAction) return { kind: 'execute', id: action.id, verb: action.verb, data: action.data, title: action.title };
  if (action instanceof AC.SubmitAction) return { kind: 'submit', data: action.data, title: action.title };
  if (action instanceof AC.OpenUrlAction) return { kind: 'openUrl', url: action.url, title: action.title };
  return { kind: 'other', type: action.getJsonTypeName(), title: action.title };
}
