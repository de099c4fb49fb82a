// Rollback knows what changed since, files are bytes, nothing is written outside the root, live
// values are checked at lock time, and an interrupted apply is found and finished.
import { execFile } from 'node:child_process';
import {
  existsSync,
  lstatSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  renameSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { applyPlan, rollback } from '../../src/host/apply.ts';
import { openHost } from '../../src/host/open.ts';
import { resolveInRoot } from '../../src/host/rooted.ts';
import { findInterrupted, listRecords, STATE_DIR } from '../../src/host/state.ts';
import { decodeLossless, encodeLossless, showEscapes } from '../../src/model/bytes.ts';
import { planChanges } from '../../src/model/plan/index.ts';
import type { Intent } from '../../src/model/types.ts';
import { runCli } from '../helpers/cli.ts';
import { readAt } from '../helpers/snapshots.ts';
import { copyFixture, fingerprint, removeTree, tempDir } from '../helpers/tree.ts';

const roots: string[] = [];
afterEach(() => roots.splice(0).forEach(removeTree));
const guide = () => {
  const r = copyFixture('guide');
  roots.push(r);
  return r;
};
const ASSIGN: Intent = {
  kind: 'assign',
  address: '0000:07:00.0',
  vmid: 102,
  options: { allFunctions: true, pcie: true, xVga: true, rombar: true },
};
const RESERVE: Intent = { kind: 'reserve', address: '0000:03:00.0' };
const CONF = 'etc/pve/qemu-server/102.conf';

async function apply(root: string, intents: Intent[]) {
  const plan = planChanges(await readAt(root), intents);
  const h = openHost({ root });
  return applyPlan(plan, { root: h.root, runner: h.runner, fs: h.fs, uid: 0 });
}
const undo = (root: string, opts = {}) => {
  const h = openHost({ root });
  return rollback({ root: h.root, runner: h.runner, fs: h.fs, uid: 0 }, opts);
};

describe('bytes, not strings', () => {
  it('decoding is lossless for any bytes, and plain UTF-8 decodes as usual', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), (b) => encodeLossless(decodeLossless(b)).equals(Buffer.from(b))),
    );
    fc.assert(fc.property(fc.string({ unit: 'grapheme' }), (s) => decodeLossless(Buffer.from(s, 'utf8')) === s));
    expect(showEscapes(decodeLossless(Buffer.from('M\xfcller', 'latin1')))).toBe('M\\xfcller');
  });

  it('a Latin-1 description and stray bytes in a VM config survive apply and rollback byte for byte', async () => {
    const root = guide();
    const raw = Buffer.concat([
      Buffer.from('#M'),
      Buffer.from([0xfc]),
      Buffer.from('ller, Abteilung 3\n#\x01\xff\xfe binary junk\n'),
      readFileSync(join(root, CONF)),
    ]);
    writeFileSync(join(root, CONF), raw);
    const before = fingerprint(root, [STATE_DIR]);
    const r = await apply(root, [ASSIGN]);
    expect(r.outcome).toBe('ok');
    const after = readFileSync(join(root, CONF));
    expect(after.subarray(0, 39).equals(raw.subarray(0, 39))).toBe(true); // the untouched lines, as bytes
    expect(after.toString('latin1')).toContain('hostpci0: 0000:07:00,pcie=1,x-vga=1');
    expect(readFileSync(join(r.backupDir!, 'files', CONF)).equals(raw)).toBe(true);
    expect((await undo(root)).outcome).toBe('ok');
    expect(readFileSync(join(root, CONF)).equals(raw)).toBe(true);
    expect(fingerprint(root, [STATE_DIR])).toEqual(before);
  });
});

describe('nothing outside the root', () => {
  it('resolves links the way a chroot would: absolute targets start at the root, a climb out is refused', () => {
    const root = guide();
    mkdirSync(join(root, 'srv/conf'), { recursive: true });
    symlinkSync('/srv/conf', join(root, 'etc/abs'));
    symlinkSync('../../../../../..', join(root, 'etc/up'));
    expect(resolveInRoot(root, 'etc/abs/x')).toBe(join(root, 'srv/conf/x'));
    expect(() => resolveInRoot(root, 'etc/up/tmp/x')).toThrow(/leads out of the root/);
    symlinkSync('loop', join(root, 'etc/loop'));
    expect(() => resolveInRoot(root, 'etc/loop/x')).toThrow(/too many levels/);
  });

  it('a link that leads out is refused before anything is written; the outside stays untouched', async () => {
    const root = guide();
    const outside = tempDir('pvept-outside-');
    roots.push(outside);
    const depth = root.split('/').length - 1;
    symlinkSync(`${'../'.repeat(depth)}${outside.slice(1)}`, join(root, 'etc/initramfs-tools'));
    const before = fingerprint(root, [STATE_DIR]);
    const r = await apply(root, [RESERVE]);
    expect(r.outcome).toBe('refused');
    expect(r.message).toMatch(/leads out of the root.*Nothing was changed/s);
    expect(readdirSync(outside)).toEqual([]);
    expect(fingerprint(root, [STATE_DIR])).toEqual(before);
  });

  it('an absolute link is followed inside the root, never to the live host path it names', async () => {
    const root = guide();
    const outside = tempDir('pvept-outside-');
    roots.push(outside);
    symlinkSync(outside, join(root, 'etc/initramfs-tools')); // absolute: means <root><outside>
    expect((await apply(root, [RESERVE])).outcome).toBe('ok');
    expect(readdirSync(outside)).toEqual([]);
    expect(existsSync(join(root, outside.slice(1), 'scripts/init-top/pve-passthrough-vfio'))).toBe(true);
  });

  it('a link inside the root is written through and kept, by apply and by rollback (VM config through qm set)', async () => {
    const root = guide();
    mkdirSync(join(root, 'srv/vms'), { recursive: true });
    renameSync(join(root, CONF), join(root, 'srv/vms/102.conf'));
    symlinkSync('../../../srv/vms/102.conf', join(root, CONF));
    const original = readFileSync(join(root, 'srv/vms/102.conf'));
    expect((await apply(root, [ASSIGN])).outcome).toBe('ok');
    expect(lstatSync(join(root, CONF)).isSymbolicLink()).toBe(true);
    expect(readFileSync(join(root, 'srv/vms/102.conf'), 'utf8')).toContain('hostpci0: 0000:07:00');
    expect((await undo(root)).outcome).toBe('ok');
    expect(readlinkSync(join(root, CONF))).toBe('../../../srv/vms/102.conf');
    expect(readFileSync(join(root, 'srv/vms/102.conf')).equals(original)).toBe(true);
  });
});

describe('rollback knows what changed since', () => {
  it('an admin edit after the apply blocks the rollback and is shown; --force restores anyway', async () => {
    const root = guide();
    const before = fingerprint(root, [STATE_DIR]);
    expect((await apply(root, [ASSIGN])).outcome).toBe('ok');
    writeFileSync(join(root, CONF), `${readFileSync(join(root, CONF), 'utf8')}cores: 16\n`);
    const edited = fingerprint(root, [STATE_DIR]);
    const r = await undo(root);
    expect(r.outcome).toBe('blocked');
    expect(r.message).toMatch(/1 file\(s\) changed since the apply .*\/etc\/pve\/qemu-server\/102\.conf.*--force/s);
    expect(r.drift![0]!.diff.filter((l) => l.kind === 'add').map((l) => l.text)).toEqual(['+cores: 16']);
    expect(fingerprint(root, [STATE_DIR])).toEqual(edited);
    const cli = await runCli(['rollback', '--root', root]);
    expect(cli.code).toBe(3);
    expect(cli.stderr).toContain('+cores: 16');
    expect((await undo(root, { force: true })).outcome).toBe('ok');
    expect(fingerprint(root, [STATE_DIR])).toEqual(before);
  });

  it('--list shows every apply with its status; a chosen apply is rolled back; then nothing is left, exit 0', async () => {
    const root = guide();
    const before = fingerprint(root, [STATE_DIR]);
    const a = await apply(root, [RESERVE]);
    const b = await apply(root, [ASSIGN]);
    expect([a.outcome, b.outcome]).toEqual(['ok', 'ok']);
    const [first, second] = listRecords(root);
    expect([first!.status, second!.status]).toEqual(['applied', 'applied']);
    expect((await runCli(['rollback', '--root', root, '--list'])).stdout).toMatch(
      new RegExp(`${first!.id} .* in effect\\n${second!.id} .* in effect\\n`),
    );
    expect((await runCli(['rollback', '--root', root, '--id', first!.id])).code).toBe(0);
    expect(listRecords(root).map((r) => r.status)).toEqual(['rolled-back', 'applied']);
    expect((await runCli(['rollback', '--root', root])).code).toBe(0);
    const none = await runCli(['rollback', '--root', root]);
    expect(none.code).toBe(0);
    expect(none.stdout).toMatch(
      /Nothing to roll back: no apply is in effect on this host \(the last one, .*, was rolled back at /,
    );
    expect(fingerprint(root, [STATE_DIR])).toEqual(before);
    expect((await runCli(['rollback', '--root', root, '--id', 'nope'])).code).toBe(4);
  });

  it('a live VF count changed between plan and apply refuses the apply, changing nothing', async () => {
    const root = guide();
    rmSync(join(root, 'run/qemu-server/100.pid'));
    const plan = planChanges(await readAt(root), [{ kind: 'vfs', address: '0000:04:00.0', count: 8 }]);
    const h = openHost({ root });
    h.fs.writeAttr(join(root, 'sys/bus/pci/devices/0000:04:00.0/sriov_numvfs'), '2');
    const changed = fingerprint(root, [STATE_DIR]);
    const r = await applyPlan(plan, { root, runner: h.runner, fs: h.fs, uid: 0 });
    expect(r.outcome).toBe('refused');
    expect(r.message).toMatch(/sriov_numvfs is 2 now, the plan was made when it was 4; nothing was changed/);
    expect(fingerprint(root, [STATE_DIR])).toEqual(changed);
  });

  it("temp files of a dead process beside a target are cleaned; a live one's are left", async () => {
    const root = guide();
    const dir = join(root, 'etc/pve/qemu-server');
    writeFileSync(join(dir, '.102.conf.pvept-999999.tmp'), 'half');
    writeFileSync(join(dir, `.102.conf.pvept-${process.ppid}.tmp`), 'someone else, alive');
    expect((await apply(root, [ASSIGN])).outcome).toBe('ok');
    expect(readdirSync(dir).filter((n) => n.startsWith('.'))).toEqual([`.102.conf.pvept-${process.ppid}.tmp`]);
  });
});

describe('an interrupted apply is found at the next start', () => {
  it('apply refuses, check reports an error, list warns, rollback finishes it', { timeout: 60_000 }, async () => {
    const root = guide();
    const before = fingerprint(root, [STATE_DIR]);
    const plan = planChanges(await readAt(root), [RESERVE, ASSIGN]);
    const planFile = join(tempDir(), 'plan.json');
    roots.push(join(planFile, '..'));
    writeFileSync(planFile, JSON.stringify(plan));
    const killAt = plan.steps.findIndex((s) => s.kind === 'command' && s.argv[0] === 'update-initramfs');
    const died = await promisify(execFile)(process.execPath, [
      '--import',
      'tsx',
      join(import.meta.dirname, 'apply-child.ts'),
      root,
      planFile,
      'apply',
      'step',
      String(killAt),
    ]).then(
      () => 'exited',
      (e: { signal?: string }) => e.signal,
    );
    expect(died).toBe('SIGKILL');
    expect(fingerprint(root, [STATE_DIR])).not.toEqual(before); // killed after qm set, before update-initramfs
    expect(findInterrupted(root)?.record?.lastStep).toBe(killAt);

    const again = await runCli(['apply', '--root', root, '--reserve', '03:00.0', '--yes']);
    expect(again.code).toBe(4);
    expect(again.stderr).toMatch(
      /was interrupted at step \d+ of \d+ \(update-initramfs -u -k all\).*pve-passthrough rollback/,
    );
    const check = await runCli(['check', '--root', root]);
    expect(check.code).toBe(3);
    expect(check.stdout + check.stderr).toMatch(/interrupted/);
    expect((await runCli(['list', '--root', root])).stderr).toMatch(/interrupted/);

    const rb = await runCli(['rollback', '--root', root]);
    expect(rb.code).toBe(0);
    expect(rb.stdout).toMatch(/Rolled back the interrupted apply/);
    expect(rb.stdout).toMatch(/Rebuilt the boot files from the restored configuration: update-initramfs -u -k all/);
    expect(fingerprint(root, [STATE_DIR])).toEqual(before);
    expect(findInterrupted(root)).toBeNull();
    expect((await runCli(['check', '--root', root])).stdout).not.toMatch(/interrupted/);
  });
});

describe('effects outside the files are undone too', () => {
  it('rollback removes the recovery entries the hook wrote on the ESPs, before the hook itself goes', async () => {
    const root = guide();
    const plan = planChanges(await readAt(root), [RESERVE]);
    const hook = plan.steps.find((s) => s.kind === 'command' && s.argv[0]!.endsWith('zz-pve-passthrough-recovery'));
    expect(hook).toMatchObject({ undoFirst: [expect.stringMatching(/zz-pve-passthrough-recovery$/), '--remove'] });
    const h = openHost({ root });
    const calls: string[] = [];
    const runner = {
      run: (argv: readonly string[], o?: object) => (calls.push(argv.join(' ')), h.runner.run(argv, o)),
    };
    expect((await applyPlan(plan, { root, runner, fs: h.fs, uid: 0 })).outcome).toBe('ok');
    calls.length = 0;
    expect((await rollback({ root, runner, fs: h.fs, uid: 0 })).outcome).toBe('ok');
    expect(calls).toEqual([
      '/etc/kernel/postinst.d/zz-pve-passthrough-recovery --remove',
      'update-initramfs -u -k all',
      'proxmox-boot-tool refresh',
    ]);
  });
});
