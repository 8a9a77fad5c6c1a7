import { describe, expect, it } from 'vitest';
import { NO_INPUTS, trayIconFile, trayState } from '../../../src/main/tray/tray-state';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

const reachable = { ...NO_INPUTS, hostReachable: true };

describe('tray state', () => {
  it('is all well when the host answers and nothing needs the operator', () => {
    expect(trayState(reachable)).toEqual({ face: 'ok', tooltip: 'Grove: all well' });
  });

  it('turns red when any MAIN is broken, naming it, whatever else is going on', () => {
    const s = trayState({
      hostReachable: true,
      mains: [{ repo: 'flower', state: 'broken' }, { repo: 'api', state: 'healthy' }],
      agentsWaiting: [{ id: '1', agent: 'design', lane: 'flower-design' }],
    });
    expect(s.face).toBe('broken');
    expect(s.tooltip).toContain('flower');
    expect(s.tooltip).not.toContain('api');
  });

  it('asks for attention when an agent waits, naming it', () => {
    const s = trayState({ ...reachable, agentsWaiting: [{ id: '1', agent: 'codex-1', lane: 'flower-ccparse' }] });
    expect(s).toEqual({ face: 'attention', tooltip: 'Grove: codex-1 in flower-ccparse needs you' });
    expect(trayState({ ...reachable, agentsWaiting: [{ id: '1', agent: 'a', lane: 'l' }, { id: '2', agent: 'b', lane: 'l' }] }).tooltip).toBe('Grove: 2 agents need you');
  });

  it('asks for attention when the host cannot be reached or MAIN is degraded', () => {
    expect(trayState(NO_INPUTS).face).toBe('attention');
    expect(trayState({ ...reachable, mains: [{ repo: 'flower', state: 'degraded' }] }).face).toBe('attention');
  });

  it('has an icon in resources/ for every face, at 1x and 2x', () => {
    for (const face of ['ok', 'attention', 'broken'] as const) {
      const file = join('resources', trayIconFile(face));
      expect(existsSync(file), file).toBe(true);
      expect(existsSync(file.replace('.png', '@2x.png')), file).toBe(true);
    }
  });
});
