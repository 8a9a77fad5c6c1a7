import { describe, expect, it } from 'vitest';
import { mayPickDirectory, pickedDirectory, PICK_DIRECTORY_OPTIONS } from '../../../src/main/directory-picker';

describe('the native folder picker', () => {
  it('opens for Grove\'s own page only', () => {
    expect(mayPickDirectory('http://127.0.0.1:4100/#/repo/1', 'http://127.0.0.1:4100')).toBe(true);
    expect(mayPickDirectory('http://127.0.0.1:4101/', 'http://127.0.0.1:4100')).toBe(false);
    expect(mayPickDirectory('https://example.com/', 'http://127.0.0.1:4100')).toBe(false);
    expect(mayPickDirectory('', 'http://127.0.0.1:4100')).toBe(false);
  });

  it('picks one folder, never files', () => {
    expect(PICK_DIRECTORY_OPTIONS.properties).toContain('openDirectory');
    expect(PICK_DIRECTORY_OPTIONS.properties).not.toContain('openFile');
    expect(PICK_DIRECTORY_OPTIONS.properties).not.toContain('multiSelections');
  });

  it('hands the page the chosen path, or null when cancelled', () => {
    expect(pickedDirectory({ canceled: false, filePaths: ['/home/me/Sites/flower'] })).toBe('/home/me/Sites/flower');
    expect(pickedDirectory({ canceled: false, filePaths: ['C:\\Users\\me\\flower'] })).toBe('C:\\Users\\me\\flower');
    expect(pickedDirectory({ canceled: true, filePaths: ['/home/me/Sites/flower'] })).toBeNull();
    expect(pickedDirectory({ canceled: false, filePaths: [] })).toBeNull();
    expect(pickedDirectory({ canceled: false, filePaths: ['/a', '/b'] })).toBeNull();
    expect(pickedDirectory({ canceled: false, filePaths: ['relative/path'] })).toBeNull();
  });
});
