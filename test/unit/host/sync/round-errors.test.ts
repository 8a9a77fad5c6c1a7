import { describe, expect, it } from 'vitest';
import { PullRefused } from '../../../../src/host/sync/pull';
import { classifyRoundError } from '../../../../src/host/sync/round-errors';
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
});
