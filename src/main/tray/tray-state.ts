/**
 * Which face the tray shows, computed from what the host reports. Plain and pure so it is
 * tested under Node; src/main/index.ts only maps the answer onto Electron.
 *
 * Order of urgency: MAIN broken beats an agent that needs the operator, which beats all
 * well. A host the shell cannot reach is "attention": nothing is known to be broken, but
 * nothing is being watched either.
 */
export type TrayFace = 'ok' | 'attention' | 'broken';

export interface TrayInputs {
  hostReachable: boolean;
  /** MAIN's state per repository, as the health capability reports it. */
  mains: readonly { repo: string; state: 'healthy' | 'degraded' | 'broken' | 'unknown' | 'untrusted' }[];
  /** Agents waiting for the operator (permission prompt, question, idle prompt). */
  agentsWaiting: readonly { id: string; agent: string; lane: string }[];
}

export interface TrayState {
  face: TrayFace;
  /** One line for the tooltip, naming what decided the face. */
  tooltip: string;
}

export const NO_INPUTS: TrayInputs = { hostReachable: false, mains: [], agentsWaiting: [] };

export function trayState(inputs: TrayInputs): TrayState {
  const broken = inputs.mains.filter((m) => m.state === 'broken');
  if (broken.length > 0) {
    return { face: 'broken', tooltip: `Grove: MAIN is broken in ${broken.map((m) => m.repo).join(', ')}` };
  }
  if (!inputs.hostReachable) {
    return { face: 'attention', tooltip: 'Grove: the host is not reachable' };
  }
  if (inputs.agentsWaiting.length > 0) {
    const n = inputs.agentsWaiting.length;
    const first = inputs.agentsWaiting[0]!;
    return {
      face: 'attention',
      tooltip: n === 1 ? `Grove: ${first.agent} in ${first.lane} needs you` : `Grove: ${n} agents need you`,
    };
  }
  const degraded = inputs.mains.filter((m) => m.state === 'degraded');
  if (degraded.length > 0) {
    return { face: 'attention', tooltip: `Grove: MAIN is degraded in ${degraded.map((m) => m.repo).join(', ')}` };
  }
  return { face: 'ok', tooltip: 'Grove: all well' };
}

/** Tray icon file for a face, in resources/ (a @2x variant sits beside each). */
export function trayIconFile(face: TrayFace): string {
  return `tray-${face}.png`;
}
