import { describe, expect, it } from 'vitest';
import { PullRefused } from '../../../../src/host/sync/pull';
import { classifyRoundError, describeRoundError } from '../../../../src/host/sync/round-errors';
import { RetryLater } from '../../../../src/host/sync/retry-later';
import { StepTimeout } from '../../../../src/host/sync/step-timeout';
import type { SyncConfig } from '../../../../src/host/sync/sync-state-store';

const config = { url: 'mysql://grove@db.lan:3306/grove', tls: 'verify' } as SyncConfig;
/** An error as mysql2 makes one for a server's answer: its message quotes the data. */
const server = (code: string, errno: number, sqlState: string, message: string) => Object.assign(new Error(message), { code, errno, sqlState, sqlMessage: message });
const SECRET_TEXT = "the spec's private part";

describe("a failed sync round, said to the operator", () => {
  it("never repeats the server's message, which quotes the round's data; a statement refused waits for a person", () => {
    for (const e of [server('ER_DUP_ENTRY', 1062, '23000', `Duplicate entry '${SECRET_TEXT}' for key 'entries_id'`), server('ER_DATA_TOO_LONG', 1406, '22001', `Data too long for column 'id' at row 1: ${SECRET_TEXT}`), server('ER_PARSE_ERROR', 1064, '42000', `You have an error near '${SECRET_TEXT}'`)]) {
      const said = classifyRoundError(e, config, 10_000);
      expect(said.kind).toBe('refused');
      expect(said.kind !== 'synced' && said.message).not.toContain(SECRET_TEXT);
      expect(said.kind !== 'synced' && said.message).toContain(e.code);
    }
  });

  it('retries what passes: a timeout, a deadlock, a server restarting or full of connections, a network error', () => {
    for (const e of [
      new StepTimeout('x'),
      server('ER_LOCK_DEADLOCK', 1213, '40001', 'Deadlock'),
      server('ER_CON_COUNT_ERROR', 1040, '08004', 'Too many connections'),
      server('ER_OPTION_PREVENTS_STATEMENT', 1290, 'HY000', 'The MariaDB server is running with the --read-only option'),
      server('', 4031, 'HY000', `an error mysql2 has no name for, about '${SECRET_TEXT}'`),
      Object.assign(new Error('connect ECONNREFUSED 10.0.0.1:3306'), { code: 'ECONNREFUSED' }),
    ]) {
      const said = classifyRoundError(e, config, 10_000);
      expect(said.kind).toBe('offline');
      expect(said.kind !== 'synced' && said.message).not.toContain(SECRET_TEXT);
    }
  });

  it('asks a person for what only a person can fix: a certificate not trusted, a locked account, an expired password, this host\'s own full disk', () => {
    const cases: [unknown, RegExp][] = [
      [Object.assign(new Error('self-signed certificate'), { code: 'DEPTH_ZERO_SELF_SIGNED_CERT' }), /TLS certificate is not trusted here .*--tls require/],
      [server('ER_ACCOUNT_HAS_BEEN_LOCKED', 3118, 'HY000', 'Access denied, this account is locked'), /account is locked/],
      [server('ER_MUST_CHANGE_PASSWORD_LOGIN', 1862, 'HY000', 'Your password has expired'), /password has expired/],
      [Object.assign(new Error('database or disk is full'), { code: 'SQLITE_FULL' }), /This host's own store failed .*SQLITE_FULL: the disk is full/],
      [new PullRefused('The shared store holds entry x of a kind this Grove does not know'), /does not know/],
    ];
    for (const [e, said] of cases) expect(classifyRoundError(e, config, 10_000)).toEqual({ kind: 'refused', message: expect.stringMatching(said) });
  });

  it("says Grove's own sentence for a failure that passes by itself, not '(Error)', and retries it", () => {
    const said = classifyRoundError(new RetryLater('another Grove is migrating the shared schema; trying again shortly'), config, 10_000);
    expect(said).toEqual({ kind: 'offline', message: `${config.url}: another Grove is migrating the shared schema; trying again shortly. Local work goes on.` });
    // Any other plain Error's message may hold anything: only its kind is said.
    const other = classifyRoundError(new Error(`something about '${SECRET_TEXT}'`), config, 10_000);
    expect(other.kind !== 'synced' && other.message).not.toContain(SECRET_TEXT);
  });
});

describe("a failed sync round, in the host's log", () => {
  const mask = (text: string) => text.split('hunter2-password').join('…(masked)');

  it("has the whole error: the server's message, its code, errno and SQL state, the stack; not the statement", () => {
    const e = Object.assign(server('ER_DUP_ENTRY', 1062, '23000', "Duplicate entry 'x' for key 'entries_id'"), { sql: `INSERT INTO entries VALUES ('${SECRET_TEXT}')` });
    const logged = describeRoundError(e, mask);
    expect(logged).toMatchObject({ error: "Error: Duplicate entry 'x' for key 'entries_id'", code: 'ER_DUP_ENTRY', errno: 1062, sqlState: '23000', stack: expect.stringContaining('round-errors.test.ts') });
    expect(JSON.stringify(logged)).not.toContain(SECRET_TEXT);
  });

  it("keeps a plain Error's text, with what caused it, and every address a connect tried", () => {
    const logged = describeRoundError(new Error('the identity row went', { cause: Object.assign(new Error('connect ECONNREFUSED ::1:3306'), { code: 'ECONNREFUSED', errno: -111 }) }), mask);
    expect(logged).toMatchObject({ error: 'Error: the identity row went', causes: [{ error: 'Error: connect ECONNREFUSED ::1:3306', code: 'ECONNREFUSED', errno: -111 }] });
    const aggregate = Object.assign(new AggregateError([new Error('connect ECONNREFUSED ::1:3306'), new Error('connect ECONNREFUSED 127.0.0.1:3306')], ''), { code: 'ECONNREFUSED' });
    expect(describeRoundError(aggregate, mask).causes?.map((c) => c.error)).toEqual(['Error: connect ECONNREFUSED ::1:3306', 'Error: connect ECONNREFUSED 127.0.0.1:3306']);
    expect(describeRoundError('a string thrown', mask)).toEqual({ error: 'a string thrown' });
  });

  it('masks the password wherever it appears: message, stack, causes', () => {
    const e = new Error('login as grove with hunter2-password failed', { cause: new Error('hunter2-password again') });
    const logged = JSON.stringify(describeRoundError(e, mask));
    expect(logged).toContain('…(masked)');
    expect(logged).not.toContain('hunter2-password');
  });

  it('follows a cycle of causes only a few levels', () => {
    const a = new Error('a');
    const b = new Error('b', { cause: a });
    (a as Error & { cause?: unknown }).cause = b;
    expect(JSON.stringify(describeRoundError(a, mask)).match(/"error"/g)).toHaveLength(4);
  });
});
