import { describe, expect, it } from 'vitest';
import { filterPaletteCommands, type PaletteCommand } from '../../../../src/renderer/palette/palette-command';
import { withFound } from '../../../../src/renderer/palette/palette-search';

const command = (id: string, title: string, group: string): PaletteCommand => ({ id, title, group, run: () => undefined });
const own = [command('go:briefs', 'Briefs', 'Go to'), command('brief.new', 'New brief…', 'Briefs'), command('theme.dark', 'Theme: dark', 'View')];
const shape = (groups: ReturnType<typeof withFound>) => groups.map((g) => [g.heading, g.commands.map((c) => c.title)]);

describe('what the palette search names and finds, beside the app\'s commands', () => {
  it('joins the group of the same name after its own commands, and a new group goes last', () => {
    const found = [command('brief:3', '#3 Login page', 'Briefs'), command('lane:x', 'Lane x', 'Elsewhere')];
    expect(shape(withFound(filterPaletteCommands(own, ''), [], found))).toEqual([
      ['Go to', ['Briefs']],
      ['Briefs', ['New brief…', '#3 Login page']],
      ['View', ['Theme: dark']],
      ['Elsewhere', ['Lane x']],
    ]);
  });

  it('a brief both named by the query and found shows once, with the title the host found', () => {
    const named = [command('brief:12', 'Open brief #12', 'Briefs')];
    const found = [command('brief:12', '#12 The login page', 'Briefs'), command('brief:120', '#120 Twelve screens', 'Briefs')];
    expect(shape(withFound(filterPaletteCommands(own, '12'), named, found))).toEqual([['Briefs', ['#12 The login page', '#120 Twelve screens']]]);
    // Before the host answers, the named one alone.
    expect(shape(withFound(filterPaletteCommands(own, '12'), named, []))).toEqual([['Briefs', ['Open brief #12']]]);
  });

  it('never lists a command twice when the app already has it', () => {
    expect(shape(withFound(filterPaletteCommands(own, 'dark'), [], [command('theme.dark', 'Theme: dark (again)', 'View')]))).toEqual([['View', ['Theme: dark']]]);
  });
});
