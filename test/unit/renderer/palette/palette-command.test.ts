import { describe, expect, it } from 'vitest';
import { filterPaletteCommands, type PaletteCommand } from '../../../../src/renderer/palette/palette-command';

const command = (id: string, title: string, group: string, keywords?: string[]): PaletteCommand => ({ id, title, group, keywords, run: () => undefined });
const commands = [
  command('a1', 'Go to agent design (waiting)', 'Agents', ['claude', 'needs you']),
  command('l1', 'Go to lane feature-login', 'Lanes'),
  command('a2', 'Go to agent tests', 'Agents', ['codex']),
  command('m1', 'Merge feature-login', 'Lane'),
];

describe('palette filtering', () => {
  it('no query: every command, groups in the order their first command comes, commands in the given order', () => {
    expect(filterPaletteCommands(commands, '').map((g) => [g.heading, g.commands.map((c) => c.id)])).toEqual([
      ['Agents', ['a1', 'a2']],
      ['Lanes', ['l1']],
      ['Lane', ['m1']],
    ]);
  });

  it('every word must match the title, the group or a keyword, in any case', () => {
    expect(filterPaletteCommands(commands, 'LOGIN').flatMap((g) => g.commands.map((c) => c.id))).toEqual(['l1', 'm1']);
    expect(filterPaletteCommands(commands, 'merge login').flatMap((g) => g.commands.map((c) => c.id))).toEqual(['m1']);
    expect(filterPaletteCommands(commands, 'codex').flatMap((g) => g.commands.map((c) => c.id))).toEqual(['a2']);
    expect(filterPaletteCommands(commands, 'agents').flatMap((g) => g.commands.map((c) => c.id))).toEqual(['a1', 'a2']);
    expect(filterPaletteCommands(commands, 'nothing like it')).toEqual([]);
  });
});
