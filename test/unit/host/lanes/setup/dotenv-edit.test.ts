import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatDotenvValue, setDotenvKeys, stripDotenvKeys } from '../../../../../src/host/lanes/setup/dotenv-edit';

const laravel = [
  '# Application',
  'APP_NAME=Flower',
  'export APP_URL=http://localhost # the site',
  '',
  'DB_PASSWORD="s3cret"',
  'OPENAI_API_KEY=sk-live-1',
  'PRIVATE_KEY="-----BEGIN KEY-----',
  'abc',
  '-----END KEY-----"',
  'STRIPE_API_KEY = pk_1',
  'MAIL_HOST=mailpit',
  '',
].join('\n');

describe('setDotenvKeys', () => {
  it('replaces values in place and keeps comments, blank lines, export and trailing comments', () => {
    const out = setDotenvKeys(laravel, { APP_URL: 'http://design.test', MAIL_HOST: 'localhost' });
    expect(out).toBe(
      laravel.replace('export APP_URL=http://localhost # the site', 'export APP_URL=http://design.test # the site').replace('MAIL_HOST=mailpit', 'MAIL_HOST=localhost'),
    );
  });

  it('replaces every occurrence of a key, multi-line values whole', () => {
    const text = 'A=1\nKEY="line one\nline two"\nB=2\nKEY=old\n';
    expect(setDotenvKeys(text, { KEY: 'new' })).toBe('A=1\nKEY=new\nB=2\nKEY=new\n');
  });

  it('appends missing keys in order, adding the missing final newline first', () => {
    expect(setDotenvKeys('A=1', { B: '2', C: '3' })).toBe('A=1\nB=2\nC=3\n');
    expect(setDotenvKeys('', { B: '2' })).toBe('B=2\n');
    expect(setDotenvKeys('A=1\n', {})).toBe('A=1\n');
  });

  it('keeps CRLF line endings', () => {
    expect(setDotenvKeys('A=1\r\n# c\r\nB=2\r\n', { B: '3', C: '4' })).toBe('A=1\r\n# c\r\nB=3\r\nC=4\r\n');
  });

  it('keeps the spacing around = as written', () => {
    expect(setDotenvKeys('  KEY = a\n', { KEY: 'b' })).toBe('  KEY = b\n');
  });

  it('does not take a commented-out key or a similar name for the key', () => {
    expect(setDotenvKeys('# KEY=1\nKEY_2=1\n', { KEY: 'x' })).toBe('# KEY=1\nKEY_2=1\nKEY=x\n');
  });

  it('keeps a comment after a quoted value', () => {
    expect(setDotenvKeys('KEY="a b" # note\n', { KEY: 'c' })).toBe('KEY=c # note\n');
  });

  it('treats an unclosed quote as part of a one-line value', () => {
    expect(setDotenvKeys('KEY="open\nNEXT=1\n', { KEY: 'x' })).toBe('KEY=x\nNEXT=1\n');
  });

  it('quotes values that need it', () => {
    expect(formatDotenvValue('http://a.test:41000/x')).toBe('http://a.test:41000/x');
    expect(formatDotenvValue('')).toBe('');
    expect(formatDotenvValue('two words')).toBe("'two words'");
    expect(formatDotenvValue('a#b')).toBe("'a#b'");
    expect(formatDotenvValue('$HOME')).toBe("'$HOME'");
    expect(formatDotenvValue('a&b=c?d')).toBe("'a&b=c?d'");
    expect(formatDotenvValue("it's")).toBe('"it\'s"');
    expect(formatDotenvValue('a\nb "c" $d')).toBe('"a\\nb \\"c\\" \\$d"');
    expect(formatDotenvValue('C:\\dir\\')).toBe('"C:\\\\dir\\\\"');
  });
});

describe('stripDotenvKeys', () => {
  it('removes keys matching wildcard patterns, multi-line values included, and keeps the rest as is', () => {
    const { text, removed } = stripDotenvKeys(laravel, ['*_API_KEY', 'PRIVATE_KEY']);
    expect(removed).toEqual(['OPENAI_API_KEY', 'PRIVATE_KEY', 'STRIPE_API_KEY']);
    expect(text).toBe(
      ['# Application', 'APP_NAME=Flower', 'export APP_URL=http://localhost # the site', '', 'DB_PASSWORD="s3cret"', 'MAIL_HOST=mailpit', ''].join('\n'),
    );
  });

  it('removes every occurrence and reports a key once', () => {
    expect(stripDotenvKeys('A_KEY=1\nB=2\nexport A_KEY=3', ['A_*'])).toEqual({ text: 'B=2\n', removed: ['A_KEY'] });
  });

  it('matches whole keys only, and treats other characters literally', () => {
    expect(stripDotenvKeys('MY_API_KEY_ID=1\nAPI=2\n', ['*_API_KEY', 'A.I'])).toEqual({ text: 'MY_API_KEY_ID=1\nAPI=2\n', removed: [] });
  });

  it('removes a single-quoted multi-line value whole', () => {
    expect(stripDotenvKeys("SECRET='a\nb'\nKEEP=1\n", ['SECRET'])).toEqual({ text: 'KEEP=1\n', removed: ['SECRET'] });
  });

  it('leaves text without matching keys byte for byte', () => {
    const line = fc.oneof(
      fc.constantFrom('', '# comment', 'export A=1', 'B = "x y"', "C='q'", 'D="multi', 'line"', 'weird line', '  E=e # c'),
      fc.string({ unit: 'grapheme-ascii', maxLength: 20 }),
    );
    fc.assert(
      fc.property(fc.array(line, { maxLength: 12 }), fc.constantFrom('\n', '\r\n'), (lines, eol) => {
        const text = lines.join(eol);
        expect(stripDotenvKeys(text, ['ZZZ_*']).text).toBe(text);
        expect(setDotenvKeys(text, {})).toBe(text);
      }),
    );
  });

  it('a value set by setDotenvKeys is found again and can be stripped', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 30 }), (value) => {
        const text = setDotenvKeys('# head\nSECRET_KEY=old\nNEXT=1\n', { SECRET_KEY: value });
        expect(stripDotenvKeys(text, ['SECRET_*'])).toEqual({ text: '# head\nNEXT=1\n', removed: ['SECRET_KEY'] });
      }),
    );
  });
});
