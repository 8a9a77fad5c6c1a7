import { describe, expect, it } from 'vitest';
import { AGENT_USAGE } from '../../../src/cli/commands/agent';
import { LANE_USAGE } from '../../../src/cli/commands/lane';
import { commandUsage, USAGE } from '../../../src/cli/main';
import { formatUsage, usageLines } from '../../../src/cli/usage';

describe('usage lines', () => {
  it('picks one form of a command, with its continuation lines', () => {
    expect(usageLines(AGENT_USAGE, ['agent', 'remove'])).toEqual(['grove agent remove AGENT']);
    const start = usageLines(AGENT_USAGE, ['agent', 'start']);
    expect(start).toHaveLength(1);
    expect(start[0]!.split('\n')).toEqual([
      'grove agent start --lane PATH --preset claude|codex|shell|custom [--command CMD] [--name NAME]',
      '        [--role worker|orchestrator] [--restart never|on-failure|always] [--auto-resume] [--ops-loop] [--unconfined] [-- ARGS...]',
      '        or, for a custom command: --lane PATH [--name NAME] [--restart …] [--unconfined] -- CMD [ARGS...]',
      '        --unconfined: run outside the lane\'s confinement (it can write anywhere you can, MAIN included)',
    ]);
  });

  it('shows lane network with what each word means, and lane create with --network', () => {
    expect(usageLines(LANE_USAGE, ['lane', 'network'])).toEqual([
      [
        'grove lane network NAME open|loopback|none|default [--repo REPO]',
        "        loopback: its confined agents reach this machine's loopback (Grove's host, local servers) and nothing beyond;",
        "        none: nothing but Grove's host; default: grove.yaml's lanes.network. From each agent's next start",
      ].join('\n'),
    ]);
    expect(usageLines(LANE_USAGE, ['lane', 'create'])).toEqual([expect.stringContaining('[--network open|loopback|none]')]);
    expect(commandUsage(['lane', 'network'])).toEqual(usageLines(LANE_USAGE, ['lane', 'network']));
    expect(usageLines(USAGE, ['lane', 'network'])).toEqual([expect.stringMatching(/^grove lane network NAME NETWORK\s+open, loopback, none or default: its confined agents' network/)]);
  });

  it('matches whole words: merge is not merges', () => {
    expect(commandUsage(['merge']).map((l) => l.split(/\s+/)[1])).toEqual(['merge', 'merge']);
    expect(commandUsage(['merges'])).toEqual([expect.stringMatching(/^grove merges \[--repo R\] \[--json\]/)]);
  });

  it('falls back from an unknown verb to the command, and knows nothing of an unknown command', () => {
    expect(commandUsage(['ops', 'frob'])).toHaveLength(3);
    expect(commandUsage(['frobnicate'])).toEqual([]);
    expect(commandUsage(['host', 'stop'])).toEqual([expect.stringMatching(/^grove host stop\s+stop the running host/)]);
    expect(usageLines(USAGE, ['status'])).toEqual([expect.stringMatching(/^grove status \[--json\]/)]);
  });

  it('formats one form on the Usage line and several as a list', () => {
    expect(formatUsage(['grove a'])).toBe('Usage: grove a');
    expect(formatUsage(['grove a', 'grove b'])).toBe('Usage:\n  grove a\n  grove b');
  });
});
