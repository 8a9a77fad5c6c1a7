import { describe, expect, it } from 'vitest';
import { filterPaletteCommands, type PaletteCommand } from '../../../../src/renderer/palette/palette-command';
import { withFound } from '../../../../src/renderer/palette/palette-search';

const command = (id: string, title: string, group: string): PaletteCommand => ({ id, title, group, run: () => undefined });
const own = [command('go:briefs', 'Briefs', 'Go to'), command('brief.new', 'New brief…', 'Briefs'), command('pause1h', 'Pause notifications for 1 hour', 'Notifications'), command('theme.dark', 'Theme: dark', 'View')];
const shape = (groups: ReturnType<typeof withFound>) => groups.map((g) => [g.heading, g.commands.map((c) => c.title)]);
const byNumber = (n: number) => command(`brief:${n}`, `Open brief #${n}`, 'Brief by its number');

describe('what the palette search names and finds, beside the app\'s commands', () => {
  it('found commands join the group of the same name after its own, and a new group goes last', () => {
    const found = [command('brief:3', '#3 Login page', 'Briefs'), command('lane:x', 'Lane x', 'Elsewhere')];
    expect(shape(withFound(filterPaletteCommands(own, ''), [], found))).toEqual([
      ['Go to', ['Briefs']],
      ['Briefs', ['New brief…', '#3 Login page']],
      ['Notifications', ['Pause notifications for 1 hour']],
      ['View', ['Theme: dark']],
      ['Elsewhere', ['Lane x']],
    ]);
  });

  it('what the query names comes first, before any command whose words hold it, so Enter runs it', () => {
    expect(shape(withFound(filterPaletteCommands(own, '1'), [byNumber(1)], []))).toEqual([
      ['Brief by its number', ['Open brief #1']],
      ['Notifications', ['Pause notifications for 1 hour']],
    ]);
  });

  it('a brief both named and found shows once, first, with the title the host found', () => {
    const found = [command('brief:12', '#12 The login page', 'Briefs'), command('brief:120', '#120 Twelve screens', 'Briefs')];
    expect(shape(withFound(filterPaletteCommands(own, '12'), [byNumber(12)], found))).toEqual([
      ['Brief by its number', ['#12 The login page']],
      ['Briefs', ['#120 Twelve screens']],
    ]);
    // Before the host answers, the named one alone.
    expect(shape(withFound(filterPaletteCommands(own, '12'), [byNumber(12)], []))).toEqual([['Brief by its number', ['Open brief #12']]]);
  });

  it('never lists a command twice when the app already has it', () => {
    expect(shape(withFound(filterPaletteCommands(own, 'dark'), [], [command('theme.dark', 'Theme: dark (again)', 'View')]))).toEqual([['View', ['Theme: dark']]]);
  });
});
