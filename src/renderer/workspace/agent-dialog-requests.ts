import { viewRequests } from '../ui/view-requests';

/**
 * An agent action that asks first, started from outside its view (the command palette): the
 * view showing the agent opens the same dialog its own button opens (Remove's confirmation,
 * Recycle's handoff prompt), so the palette and the button are one action.
 */
export type AgentDialog = 'remove' | 'recycle';

const dialogs = viewRequests<AgentDialog>({ waitMs: 2000 });

export function onAgentDialogRequest(agentId: string, open: (dialog: AgentDialog) => void): () => void {
  return dialogs.on(agentId, open);
}

export function requestAgentDialog(agentId: string, dialog: AgentDialog): void {
  dialogs.ask(agentId, dialog);
}
