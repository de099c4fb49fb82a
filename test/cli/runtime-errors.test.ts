// Errors from the system thrown anywhere below a command: one line naming the operation, the
// path and the code, exit 1, never a stack trace.
import { spawnSync } from 'node:child_process';
import { openSync, closeSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterAll, describe, expect, it } from 'vitest';
import { UsageError } from '../../src/cli/args.ts';
import { describeError, runGuarded } from '../../src/cli/run-guarded.ts';
import { LAUNCHER } from '../helpers/pty.ts';
import { runCli } from '../helpers/cli.ts';
import { copyFixture, FIXTURES, removeTree, tempDir } from '../helpers/tree.ts';

const dir = tempDir('pvept-errors-');
afterAll(() => removeTree(dir));
const thrown = (f: () => unknown): unknown => {
  try {
    f();
  } catch (e) {
    return e;
  }
  throw new Error('did not throw');
};

describe('describeError on real system errors', () => {
  it('ENOENT, EISDIR, ENOTDIR, rename with its destination', () => {
    const missing = join(dir, 'missing.conf');
    expect(describeError(thrown(() => readFileSync(missing)))).toBe(
      `cannot open ${missing}: no such file or directory (ENOENT)`,
    );
    expect(describeError(thrown(() => readFileSync(dir)))).toBe('cannot read: is a directory (EISDIR)');
    writeFileSync(join(dir, 'file'), 'x');
    expect(describeError(thrown(() => mkdirSync(join(dir, 'file', 'sub'))))).toBe(
      `cannot create the folder ${join(dir, 'file', 'sub')}: not a directory (ENOTDIR)`,
    );
    expect(describeError(thrown(() => renameSync(missing, join(dir, 'b'))))).toBe(
      `cannot rename ${missing} to ${join(dir, 'b')}: no such file or directory (ENOENT)`,
    );
  });

  it('ENOSPC from a real full device', () => {
    const fd = openSync('/dev/full', 'w');
    try {
      expect(describeError(thrown(() => writeFileSync(fd, 'x')))).toBe(
        'cannot write: no space left on device (ENOSPC)',
      );
    } finally {
      closeSync(fd);
    }
  });

  it('EACCES as Node shapes it (tests run as root, where the kernel does not refuse)', () => {
    const e = Object.assign(new Error("EACCES: permission denied, open '/etc/modprobe.d/x.conf'"), {
      errno: -13,
      code: 'EACCES',
      syscall: 'open',
      path: '/etc/modprobe.d/x.conf',
    });
    expect(describeError(e)).toBe('cannot open /etc/modprobe.d/x.conf: permission denied (EACCES)');
    const spawn = Object.assign(new Error('spawn qm ENOENT'), {
      errno: -2,
      code: 'ENOENT',
      syscall: 'spawn qm',
      path: 'qm',
    });
    expect(describeError(spawn)).toBe('cannot run qm: no such file or directory (ENOENT)');
  });

  it('a long path keeps its head and its tail', () => {
    const long = `/${'d'.repeat(300)}/etc/modprobe.d/pve-passthrough.conf`;
    const e = Object.assign(new Error('ENOSPC: no space left on device, write'), {
      code: 'ENOSPC',
      syscall: 'write',
      path: long,
    });
    const m = describeError(e);
    expect(m.length).toBeLessThan(260);
    expect(m).toMatch(
      /^cannot write \/d{39}\.\.\.d+\/etc\/modprobe\.d\/pve-passthrough\.conf \((\d+) characters\): no space left on device \(ENOSPC\)$/,
    );
    expect(m).toContain(`(${long.length} characters)`);
  });
});

describe('runGuarded', () => {
  const run = async (body: () => Promise<number>) => {
    const err = new PassThrough();
    let stderr = '';
    err.on('data', (c) => (stderr += c));
    const code = await runGuarded({ stdout: new PassThrough(), stderr: err, env: {} }, body);
    return { code, stderr };
  };

  it('a system error below a command: exit 1, one line with operation, path and code, no stack', async () => {
    const target = join(dir, 'no-such-folder', 'x.conf');
    const r = await run(async () => {
      writeFileSync(target, 'x');
      return 0;
    });
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(`pve-passthrough: cannot open ${target}: no such file or directory (ENOENT)\n`);
  });

  it('a usage error is exit 2, other errors exit 1 with their message only', async () => {
    expect(await run(async () => Promise.reject(new UsageError('bad')))).toEqual({
      code: 2,
      stderr: 'pve-passthrough: bad\n',
    });
    const r = await run(async () => Promise.reject(new TypeError('x is not a function')));
    expect(r).toEqual({ code: 1, stderr: 'pve-passthrough: x is not a function\n' });
  });
});

describe('a system error below a command, end to end', () => {
  it('apply where a folder on the path is a file: exit 1, the operation, the path and the code, no stack', async () => {
    const root = copyFixture('guide');
    try {
      rmSync(join(root, 'etc/initramfs-tools'), { recursive: true, force: true });
      writeFileSync(join(root, 'etc/initramfs-tools'), 'not a folder\n');
      const r = await runCli(['apply', '--root', root, '--reserve', '03:00.0', '--yes'], { NO_COLOR: '1' });
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(
        /^(pve-passthrough: )?.*cannot \w+ \S*etc\/initramfs-tools\/scripts\/init-top\/pve-passthrough-vfio: not a directory \(ENOTDIR\)/m,
      );
      expect(r.stderr).not.toMatch(/\n\s+at /);
    } finally {
      removeTree(root);
    }
  });
});

describe('standard output on a full disk (a real child process)', () => {
  it('list > /dev/full: exit 1, one line, no stack', () => {
    const fd = openSync('/dev/full', 'w');
    try {
      const r = spawnSync(process.execPath, [LAUNCHER, 'list', '--root', join(FIXTURES, 'guide')], {
        stdio: ['ignore', fd, 'pipe'],
        encoding: 'utf8',
        env: { ...process.env, PVE_PASSTHROUGH_TSX: '1' },
      });
      expect(r.stderr).toBe('pve-passthrough: cannot write standard output: no space left on device (ENOSPC)\n');
      expect(r.status).toBe(1);
    } finally {
      closeSync(fd);
    }
  }, 30_000);
});
