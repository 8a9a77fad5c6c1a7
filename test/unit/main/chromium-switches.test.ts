import { describe, expect, it } from 'vitest';
import { disableFeatures, type CommandLine } from '../../../src/main/chromium-switches';

/** A command line as Chromium keeps one: a switch's last value wins. */
function commandLine(initial: Record<string, string> = {}): CommandLine & { switches: Map<string, string> } {
  const switches = new Map(Object.entries(initial));
  return {
    switches,
    getSwitchValue: (name) => switches.get(name) ?? '',
    appendSwitch: (name, value = '') => void switches.set(name, value),
  };
}

describe('the window\'s Chromium switches', () => {
  it('turn off the feature that keeps module scripts from their code cache', () => {
    const line = commandLine();
    disableFeatures(line);
    expect(line.switches.get('disable-features')).toBe('BackgroundResourceFetch');
  });

  it('keep the features the app was started without, and name none twice', () => {
    const line = commandLine({ 'disable-features': 'Translate, HardwareMediaKeyHandling' });
    disableFeatures(line, ['BackgroundResourceFetch', 'Translate']);
    expect(line.switches.get('disable-features')).toBe('Translate,HardwareMediaKeyHandling,BackgroundResourceFetch');
  });
});
