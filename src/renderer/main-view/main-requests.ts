import { viewRequests } from '../ui/view-requests';

/**
 * MAIN's actions from the palette, done by the MAIN view's own parts (the state banner, the
 * ops loop's card) so their answers show there. The palette brings the MAIN view up first;
 * a request waits up to 2 s for its part to mount. One registry per part: a request waiting
 * is taken by the first listener that mounts.
 */
export type MainStateRequest = 'accept' | 'guard-on' | 'guard-off';
export type OpsLoopRequest = 'start' | 'stop';

const mainState = viewRequests<MainStateRequest>({ waitMs: 2000 });
const opsLoop = viewRequests<OpsLoopRequest>({ waitMs: 2000 });

export const onMainStateRequest = (repoId: string, act: (r: MainStateRequest) => void): (() => void) => mainState.on(repoId, act);
export const requestMainState = (repoId: string, r: MainStateRequest): void => void mainState.ask(repoId, r);
export const onOpsLoopRequest = (repoId: string, act: (r: OpsLoopRequest) => void): (() => void) => opsLoop.on(repoId, act);
export const requestOpsLoop = (repoId: string, r: OpsLoopRequest): void => void opsLoop.ask(repoId, r);

/** "Acknowledge every alert" or one alert, from the palette: the Health view's alerts panel does it, as its buttons do. */
export type AcknowledgeRequest = { all: true } | { seqs: number[] };
const acknowledge = viewRequests<AcknowledgeRequest>({ waitMs: 2000 });
export const ALERTS_PANEL = 'alerts-panel';
export const onAcknowledgeRequest = acknowledge.on;
export const requestAcknowledge = (request: AcknowledgeRequest): void => void acknowledge.ask(ALERTS_PANEL, request);

/** "Adopt worktree X" from the palette: its row in the MAIN view adopts it, keyed by the worktree's path. */
const adopt = viewRequests({ waitMs: 2000 });
export const onAdoptRequest = adopt.on;
export const requestAdopt = (path: string): void => void adopt.ask(path);

/** "Roll MAIN back from X's merge…" from the palette: the merge's Roll back in the MAIN view asks first, keyed by the merge's id. */
const rollBack = viewRequests({ waitMs: 2000 });
export const onRollBackRequest = rollBack.on;
export const requestRollBack = (mergeId: string): void => void rollBack.ask(mergeId);
