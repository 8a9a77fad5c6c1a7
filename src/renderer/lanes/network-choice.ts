import type { LaneNetwork } from '../../shared/lanes';

/**
 * A lane's network as the operator picks it: the repository's default (grove.yaml's
 * `lanes.network`), or one of its own. The create-lane dialog, the lane panel and the
 * palette offer the same choices.
 */
export type NetworkChoice = 'default' | LaneNetwork;

export const choiceOf = (network: LaneNetwork | null): NetworkChoice => network ?? 'default';
export const networkOfChoice = (choice: NetworkChoice): LaneNetwork | null => (choice === 'default' ? null : choice);
