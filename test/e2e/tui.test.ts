// The real launcher in a real pseudo-terminal: stage, review, commit into a fixture copy, and
// check both the screen and the files written; then every way out restores the terminal.
import { readFileSync, readlinkSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { KEY } from '../helpers/keys.ts';
import { LAUNCHER, runInPty, settled } from '../helpers/pty.ts';
import { copyFixture, removeTree, tempDir } from '../helpers/tree.ts';

const RESTORED = '\x1b[?1049l';
const roots: string[] = [];
afterAll(() => roots.forEach(removeTree));
const fixture = () => {
  const r = copyFixture('guide');
  roots.push(r);
  return r;
};

/**
 * Moves to the row of `short`, one key at a time. Under load a frame can reach the screen in
 * pieces, so each move waits for the position counter ("IOMMU groups (19)  N/34") to step and
 * the screen to settle before the rows are read: no overshoot, no reading half a frame.
 */
async function select(run: ReturnType<typeof runInPty>, short: string) {
  const position = () => Number(/IOMMU groups \(\d+\)\s+(\d+)\//.exec(run.screen())?.[1] ?? NaN);
  const press = async (k: string, to: number) => {
    run.write(k);
    await run.waitFor(() => position() === to, 5000);
    return settled(run);
  };
  let screen = await press('g', 1);
  for (let i = 0; i < 60; i++) {
    if ((screen.split('\n').find((l) => l.startsWith('>')) ?? '').includes(short)) return;
    screen = await press('j', position() + 1);
  }
  throw new Error(`row ${short} not reached:\n${run.screen()}`);
}

describe('end to end in a pseudo-terminal', () => {
  it('stages a reservation, a VF count and an assignment, reviews and commits them', async () => {
    const root = fixture();
    const run = runInPty(['--root', root]);
    await run.waitFor('IOMMU groups');
    await select(run, '03:00.0');
    run.write(KEY.SPACE);
    await run.waitFor('other functions of this card');
    run.write(KEY.ENTER); // stage both functions (the default)
    await run.waitFor('2 staged');
    await select(run, '04:00.1'); // no VF in use there (04:00.0's carry a running VM)
    run.write('v');
    await run.waitFor('Virtual functions');
    run.write('6');
    await run.waitFor('[ 6 ]');
    run.write('+');
    await run.waitFor('[ 7 ]');
    run.write('-');
    await run.waitFor('[ 6 ]');
    run.write(KEY.ENTER);
    await run.waitFor('3 staged');
    await select(run, '07:00.0');
    run.write('a');
    await run.waitFor('to which VM');
    await new Promise((r) => setTimeout(r, 100));
    for (const k of [KEY.DOWN, KEY.DOWN]) {
      run.write(k); // one key at a time, as fingers do
      await new Promise((r) => setTimeout(r, 80));
    }
    await run.waitFor(
      (s) => s.includes('102 win11-gaming') && s.split('\n').some((l) => l.includes('❯') && l.includes('102')),
    );
    run.write(KEY.ENTER);
    await run.waitFor('-> VM 102');
    run.write('2'); // i440fx: PCI-Express is offered unticked; ticking it switches the VM to q35
    await run.waitFor('[x] PCI-Express');
    await run.waitFor('machine type changes from pc-i440fx-8.1 to q35');
    run.write(KEY.ENTER);
    await run.waitFor('4 staged');
    run.write('p');
    const pending = await run.waitFor('Pending changes');
    expect(pending).toContain('reserve 0000:03:00.0 for vfio-pci');
    expect(pending).toContain('reserve 0000:03:00.1 for vfio-pci');
    expect(pending).toContain('set 6 VFs on 0000:04:00.1');
    run.write('c');
    await run.waitFor('Apply these changes?');
    run.write('y');
    const done = await run.waitFor('Enter to continue');
    expect(done).toContain('Done');
    run.write(KEY.ENTER);
    await run.waitFor('IOMMU groups');
    run.write('q');
    const exit = await run.exited;
    expect(exit.exitCode).toBe(0);
    expect(run.output()).toContain(RESTORED);
    expect(readFileSync(join(root, 'etc/initramfs-tools/scripts/init-top/pve-passthrough-vfio'), 'utf8')).toContain(
      'bind 0000:03:00.0 8086:1521',
    );
    expect(readFileSync(join(root, 'etc/udev/rules.d/70-pve-passthrough-sriov.rules'), 'utf8')).toContain(
      'KERNEL=="0000:04:00.1", DRIVER=="i40e", ATTR{sriov_numvfs}="6"',
    );
    expect(readFileSync(join(root, 'sys/bus/pci/devices/0000:04:00.1/sriov_numvfs'), 'utf8')).toBe('6\n');
    expect(readlinkSync(join(root, 'sys/bus/pci/devices/0000:04:0a.5/physfn'))).toBe('../0000:04:00.1'); // the VFs appeared
    expect(readFileSync(join(root, 'etc/pve/qemu-server/102.conf'), 'utf8')).toContain('hostpci0: 0000:07:00,pcie=1');
  }, 60_000);

  for (const [how, act, code] of [
    ['Ctrl-C', (r: ReturnType<typeof runInPty>) => r.write(KEY.CTRL_C), 0],
    ['SIGTERM', (r: ReturnType<typeof runInPty>) => process.kill(r.pid, 'SIGTERM'), 143],
    ['SIGHUP', (r: ReturnType<typeof runInPty>) => process.kill(r.pid, 'SIGHUP'), 129],
  ] as const) {
    it(`restores the terminal on ${how}`, async () => {
      const run = runInPty(['--root', fixture()]);
      await run.waitFor('IOMMU groups');
      act(run);
      const e = await run.exited;
      expect(e.exitCode).toBe(code);
      expect(run.output().lastIndexOf(RESTORED)).toBeGreaterThan(run.output().lastIndexOf('\x1b[?1049h'));
    }, 30_000);
  }

  it('suspends to the shell on Ctrl-Z and comes back as it was on fg', async () => {
    // An interactive bash gives the job control a user has; the launcher runs as its job.
    const sh = runInPty(['--norc', '--noprofile', '-i'], {
      command: 'bash',
      env: { PS1: '$ ', HISTFILE: '/dev/null' },
    });
    await sh.waitFor('$');
    sh.write(`exec 2>&1; node ${LAUNCHER} --root ${fixture()}\r`);
    await sh.waitFor('IOMMU groups');
    await select(sh, '03:00.0');
    sh.write(KEY.SPACE);
    await sh.waitFor('other functions of this card');
    sh.write(KEY.ENTER);
    await sh.waitFor('2 staged');
    sh.write(KEY.CTRL_Z);
    const stopped = await sh.waitFor('Stopped');
    expect(stopped).not.toContain('IOMMU groups'); // the shell's own screen is back
    sh.write('fg\r');
    const back = await sh.waitFor((s) => s.includes('IOMMU groups') && s.includes('2 staged'));
    expect(back.split('\n').find((l) => l.startsWith('>'))).toContain('03:00.0');
    sh.write('j'); // keys work again (raw mode is back)
    await sh.waitFor((s) => !(s.split('\n').find((l) => l.startsWith('>')) ?? '').includes('03:00.0 '));
    sh.write(KEY.CTRL_C);
    // The prompt again: text typed ahead would go to the program.
    await sh.waitFor((s) => s.trimEnd().split('\n').at(-1) === '$');
    sh.write('echo "rc=$?"\r');
    await sh.waitFor('rc=0'); // the program's exit status, as the shell saw it
    sh.write('exit\r');
    await sh.exited;
    expect(sh.output().lastIndexOf(RESTORED)).toBeGreaterThan(sh.output().lastIndexOf('\x1b[?1049h'));
  }, 30_000);

  it('restores the terminal after a crash and prints where the log is', async () => {
    const state = tempDir('pvept-state-');
    roots.push(state);
    // XDG_STATE_HOME: the crash log goes into this test's own folder, not into the shared /tmp.
    const run = runInPty(['--root', fixture()], { env: { PVE_PASSTHROUGH_CRASH_TEST: '1', XDG_STATE_HOME: state } });
    const e = await run.exited;
    expect(e.exitCode).toBe(70);
    const out = run.output();
    expect(out.lastIndexOf(RESTORED)).toBeGreaterThan(out.lastIndexOf('\x1b[?1049h'));
    const log = /Details: (\S+\.log)/.exec(out)?.[1];
    expect(log).toBeTruthy();
    expect(log!.startsWith(state)).toBe(true);
    expect(readFileSync(log!, 'utf8')).toContain('crash test');
  }, 30_000);

  it('renders without colour and without UTF-8 on TERM=linux, LANG=C, NO_COLOR', async () => {
    const run = runInPty(['--root', fixture()], { env: { TERM: 'linux', LANG: 'C', LC_ALL: '', NO_COLOR: '1' } });
    const s = await run.waitFor('IOMMU groups');
    expect(s).toContain('[!!] host-critical');
    run.write('q');
    await run.exited;
    expect(run.output()).not.toMatch(/\x1b\[3[0-7]m/);
    expect(/[^\x00-\x7f]/.test(run.output())).toBe(false);
  }, 30_000);
});
