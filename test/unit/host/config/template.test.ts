import { describe, expect, it } from 'vitest';
import { renderShellTemplate, shellTemplateEnv, renderTemplate, TemplateError, unknownTemplateVariables, type TemplateVars } from '../../../../src/host/config/template';

const design: TemplateVars = { lane: 'design', branch: 'feature/design', repo: 'flower', path: '/src/flower-design', main: '/src/flower', port: 41010 };

function renderError(text: string, vars: TemplateVars = design): TemplateError {
  try {
    renderTemplate(text, vars);
  } catch (e) {
    if (e instanceof TemplateError) return e;
    throw e;
  }
  throw new Error(`rendering ${text} did not fail`);
}

describe('renderTemplate', () => {
  it('fills every variable, with or without spaces inside the braces', () => {
    expect(renderTemplate('{{lane}} {{ branch }} {{repo}} {{path}} {{main}}', design)).toBe('design feature/design flower /src/flower-design /src/flower');
    expect(renderTemplate('http://{{ lane }}.test', design)).toBe('http://design.test');
  });

  it('gives {{port}} and {{port+N}} from the lane\'s block of 10', () => {
    expect(renderTemplate('{{port}} {{port+0}} {{port+1}} {{ port + 9 }}', design)).toBe('41010 41010 41011 41019');
  });

  it('leaves text without a template alone, lone braces included', () => {
    expect(renderTemplate('php artisan serve', design)).toBe('php artisan serve');
    expect(renderTemplate('{"a": {b}} {lane} {{lane', design)).toBe('{"a": {b}} {lane} {{lane');
    expect(renderTemplate('{{{lane}}}', design)).toBe('{design}');
  });

  it('refuses an unknown variable, naming the ones there are', () => {
    const e = renderError('http://{{lnae}}.test');
    expect(e.code).toBe('template_invalid');
    expect(e.variable).toBe('lnae');
    expect(e.message).toContain('{{lnae}} is not a template variable');
    expect(e.message).toContain('{{port+N}}');
    expect(renderError('{{port+10}}').variable).toBe('port+10');
  });

  it('refuses {{port}} for a lane without a port block, and says so', () => {
    const e = renderError('--port {{port+1}}', { ...design, port: null });
    expect(e.code).toBe('template_invalid');
    expect(e.message).toContain('lane "design" has no port block');
    expect(renderTemplate('{{lane}}', { ...design, port: null })).toBe('design');
  });
});

describe('unknownTemplateVariables', () => {
  it('lists each unknown name once, in order', () => {
    expect(unknownTemplateVariables('{{foo}} {{lane}} {{ bar }} {{foo}} {{port+10}} {{Lane}}')).toEqual(['foo', 'bar', 'port+10', 'Lane']);
  });

  it('finds nothing in text that only uses known variables', () => {
    expect(unknownTemplateVariables('http://{{lane}}.test:{{port+3}} {{ main }}/{{repo}} {{path}} {{branch}} {x}')).toEqual([]);
  });
});

describe('renderShellTemplate', () => {
  const evil: TemplateVars = { ...design, branch: "x$(touch${IFS}PWNED)'`\"" };

  it('writes no value into the command: a reference to its variable, quoted for the place it stands', () => {
    expect(renderShellTemplate('herd link {{branch}}', evil)).toEqual({ command: 'herd link "${GROVE_TPL_BRANCH}"', env: expect.objectContaining({ GROVE_TPL_BRANCH: evil.branch }) });
    expect(renderShellTemplate('echo "on {{branch}}"', evil).command).toBe('echo "on ${GROVE_TPL_BRANCH}"');
    expect(renderShellTemplate('echo "$(basename {{path}})" {{lane}}', design)).toEqual({
      command: 'echo "$(basename "${GROVE_TPL_PATH}")" "${GROVE_TPL_LANE}"',
      env: expect.objectContaining({ GROVE_TPL_PATH: '/src/flower-design', GROVE_TPL_LANE: 'design' }),
    });
  });

  it('leaves ports and text without values as they are', () => {
    expect(renderShellTemplate('php artisan serve --port={{port+1}}', design).command).toBe('php artisan serve --port=41011');
    expect(renderShellTemplate('echo "$HOME" \'{x}\'', design).command).toBe('echo "$HOME" \'{x}\'');
    // Every value is in the environment all the same, for a nested shell that names the variable itself.
    expect(renderShellTemplate("sh -c 'herd link \"$GROVE_TPL_LANE\"'", design).env).toEqual(shellTemplateEnv(design));
  });

  it('refuses a value after a backslash, inside backquotes or inside single quotes, naming the variable', () => {
    expect(() => renderShellTemplate('echo \\{{branch}}', design)).toThrow(/\{\{branch\}\} follows a backslash/);
    // Single quotes hand their text to another shell, which would parse a value expanded into it as code.
    expect(() => renderShellTemplate("sh -c 'herd link {{branch}} || true'", evil)).toThrow(
      `{{branch}} is inside single quotes, which hand their text to another shell (sh -c '…', ssh host '…') that would read the value as code; write "$GROVE_TPL_BRANCH" there instead (the variable reaches that shell too)`,
    );
    expect(() => renderShellTemplate("echo 'on {{lane}}'", design)).toThrow(/\{\{lane\}\} is inside single quotes/);
    // Past the closing quote, a value is bare again.
    expect(renderShellTemplate("printf '%s' {{branch}}", evil).command).toBe(`printf '%s' "\${GROVE_TPL_BRANCH}"`);
    expect(() => renderShellTemplate('echo `basename {{path}}`', design)).toThrow(/\{\{path\}\} is inside backquotes; use \$\(…\) instead/);
    expect(() => renderShellTemplate('echo {{lnae}}', design)).toThrow(TemplateError);
  });
});
