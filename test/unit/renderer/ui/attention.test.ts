import { describe, expect, it } from 'vitest';
import type { AgentInfo } from '../../../../src/shared/agents';
import { attentionOf, mostUrgentAttention, needsOperator, worstHealth } from '../../../../src/renderer/ui/attention';

function agent(over: Partial<AgentInfo>): AgentInfo {
  return {
    id: 'a', name: 'a', lanePath: '/l', preset: 'claude', command: 'claude', args: [], restart: 'never', autoResume: false, isOpsLoop: false, role: 'worker', dispatchId: null,
    sessionId: null, createdAt: '2026-01-01T00:00:00Z', supervision: { kind: 'running', pid: 1, startedAt: '2026-01-01T00:00:00Z' },
    activity: { state: 'busy', signal: 'hook', detail: null, since: '2026-01-01T00:00:00Z' }, outputEnd: 0, restarts: 0, context: null,
    contextWarnTokens: 150_000, canResume: false, unconfined: false, confinement: null, ceiling: null, ...over,
  };
}
const waiting = (detail: string, signal: 'hook' | 'screen' = 'hook') => agent({ activity: { state: 'waiting', signal, detail, since: 'x' } });

describe('attention', () => {
  it('tells a permission prompt from a question from a finished turn', () => {
    expect(attentionOf(waiting('permission_prompt'))).toBe('approval');
    expect(attentionOf(waiting('permission_prompt', 'screen'))).toBe('approval');
    expect(attentionOf(waiting('idle_prompt'))).toBe('answer');
    expect(attentionOf(waiting('finished its turn'))).toBe('done');
    expect(attentionOf(waiting('idle_prompt', 'screen'))).toBe('done');
  });
  it('puts failures, exits and work where they belong', () => {
    expect(attentionOf(agent({ supervision: { kind: 'fatal', restarts: 3, code: 1, signal: null } }))).toBe('error');
    expect(attentionOf(agent({ supervision: { kind: 'exited', code: 0, signal: null } }))).toBe('exited');
    expect(attentionOf(agent({}))).toBe('working');
    // A turn the API ended with an error (Claude Code's StopFailure): an error, not a finished turn.
    expect(attentionOf(waiting('turn_failed'))).toBe('error');
    expect(attentionOf(agent({ activity: { state: 'idle', signal: 'output', detail: null, since: 'x' } }))).toBe('idle');
  });
  it('a lane shows its most urgent agent; only waiting states need the operator', () => {
    expect(mostUrgentAttention([agent({}), waiting('permission_prompt'), waiting('finished its turn')])).toBe('approval');
    expect(mostUrgentAttention([])).toBeNull();
    expect(needsOperator('done')).toBe(true);
    expect(needsOperator('error')).toBe(false);
  });
  it('the worst MAIN wins the top bar', () => {
    expect(worstHealth(['healthy', 'degraded', 'untrusted'])).toBe('degraded');
    expect(worstHealth(['healthy', 'broken'])).toBe('broken');
    expect(worstHealth([])).toBeNull();
  });
});
