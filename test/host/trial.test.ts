// The trial boot (issue 13): what `apply --trial` plans for GRUB and systemd-boot, where it is
// refused, the one-shot and default settings it leaves (grubenv, EFI variable files, as the
// simulated grub-reboot / grub-set-default / bootctl write them on a fixture copy), their undo by
// rollback, `confirm` and `status`, and the unit's script run by /bin/sh with stand-in commands.
import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, existsSync, lstatSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { applyPlan, rollback } from '../../src/host/apply.ts';
import { createFixtureRunner } from '../../src/host/fixture-runner.ts';
import { readEfiString } from '../../src/host/reader.ts';
import { STATE_DIR, takeLock } from '../../src/host/state.ts';
import { confirmTrial, readTrialStatus } from '../../src/host/trial.ts';
import { planChanges } from '../../src/model/plan/index.ts';
import { GRUB_RECOVERY_ID } from '../../src/model/plan/recovery.ts';
import {
  parseGrubenv,
  parseTrialEnv,
  restoreArgv,
  TRIAL,
  trialScriptText,
  trialUnitText,
} from '../../src/model/plan/trial.ts';
import type { Intent, Plan } from '../../src/model/types.ts';
import { runCli } from '../helpers/cli.ts';
import { readAt } from '../helpers/snapshots.ts';
import { copyFixture, fingerprint, removeTree, tempDir } from '../helpers/tree.ts';

const trash: string[] = [];
afterAll(() => trash.forEach(removeTree));
const keep = (dir: string) => (trash.push(dir), dir);
const commands = (p: Plan) => p.steps.flatMap((s) => (s.kind === 'command' ? [s.argv.join(' ')] : []));
const step = (p: Plan, argv0: string, arg1?: string) =>
  p.steps.find((s) => s.kind === 'command' && s.argv[0] === argv0 && (arg1 === undefined || s.argv[1] === arg1));
const RESERVE: Intent[] = [{ kind: 'reserve', address: '0000:03:00.0' }];
const GUID = '4a67b082-0a4c-41cf-b6c7-440b29bb8c4f';
const EMPTY_GRUBENV = '# GRUB Environment Block\n'.padEnd(1024, '#');

/** A GRUB node whose /boot is on a plain partition (GRUB can write grubenv there). */
function grubRoot(fixture = 'iommu-off', grubenv = EMPTY_GRUBENV): string {
  const root = keep(copyFixture(fixture));
  writeFileSync(
    join(root, 'proc/mounts'),
    '/dev/sda2 / ext4 rw,relatime 0 0\n/dev/sda1 /boot/efi vfat rw 0 0\nproc /proc proc rw 0 0\n',
  );
  mkdirSync(join(root, 'boot/grub'), { recursive: true });
  writeFileSync(join(root, 'boot/grub/grubenv'), grubenv);
  return root;
}

/** A proxmox-boot-tool node booted through systemd-boot (LoaderInfo set), with two kernels. */
function sdbootRoot(vars: Record<string, string> = {}): string {
  const root = keep(copyFixture('guide'));
  const dir = join(root, 'sys/firmware/efi/efivars');
  mkdirSync(dir, { recursive: true });
  for (const [name, value] of Object.entries({ LoaderInfo: 'systemd-boot 252.36-1~deb12u1', ...vars })) {
    writeFileSync(
      join(dir, `${name}-${GUID}`),
      Buffer.concat([Buffer.from([6, 0, 0, 0]), Buffer.from(`${value}\0`, 'utf16le')]),
    );
  }
  mkdirSync(join(root, 'boot'), { recursive: true });
  for (const k of ['6.8.12-4-pve', '6.8.12-10-pve', '6.5.13-6-pve']) writeFileSync(join(root, `boot/vmlinuz-${k}`), '');
  return root;
}

const grubenv = (root: string) =>
  Object.fromEntries(parseGrubenv(readFileSync(join(root, 'boot/grub/grubenv'), 'utf8')));
const wants = (root: string) => join(root, 'etc/systemd/system/multi-user.target.wants/pve-passthrough-trial.service');
const exists = (p: string) => {
  try {
    lstatSync(p);
    return true;
  } catch {
    return false;
  }
};

describe('plan --trial on GRUB', () => {
  it('GRUB_DEFAULT=0: a GRUB_DEFAULT=saved drop-in, update-grub, then the recovery entry as default and entry 0 once, each with its undo', async () => {
    const p = planChanges(await readAt(grubRoot()), RESERVE, { trial: true });
    expect(p.errors).toEqual([]);
    const paths = p.edits.map((e) => e.path);
    for (const f of Object.values(TRIAL)) expect(paths).toContain(f);
    expect(p.edits.find((e) => e.path === TRIAL.grubDropIn)!.after).toMatch(/^GRUB_DEFAULT=saved$/m);
    expect(p.edits.find((e) => e.path === TRIAL.script)!.mode).toBe(0o755);
    const cmds = commands(p);
    const at = (c: string) => cmds.indexOf(c);
    expect(at('update-grub')).toBeGreaterThan(at('update-initramfs -u -k all'));
    expect(at(`grub-set-default ${GRUB_RECOVERY_ID}`)).toBeGreaterThan(at('update-grub'));
    expect(at('grub-reboot 0')).toBeGreaterThan(at(`grub-set-default ${GRUB_RECOVERY_ID}`));
    expect(step(p, 'grub-set-default')).toMatchObject({
      undoLast: ['grub-editenv', '/boot/grub/grubenv', 'unset', 'saved_entry'],
    });
    expect(step(p, 'grub-reboot')).toMatchObject({
      undoLast: ['grub-editenv', '/boot/grub/grubenv', 'unset', 'next_entry'],
    });
    expect(step(p, 'systemctl', 'enable')).toMatchObject({
      undoFirst: ['systemctl', 'disable', 'pve-passthrough-trial.service'],
    });
    const env = parseTrialEnv(p.edits.find((e) => e.path === TRIAL.env)!.after)!;
    expect(env).toMatchObject({
      LOADER: 'grub',
      RESTORE_DEFAULT: '',
      ONESHOT: '0',
      RECOVERY_ENTRY: GRUB_RECOVERY_ID,
      MGMT_IFACE: 'vmbr0',
    });
    expect(env.MGMT_ADDRESS).toMatch(/^\d+\.\d+\.\d+\.\d+$/);
  });

  it('without --trial nothing of it is planned', async () => {
    const p = planChanges(await readAt(grubRoot()), RESERVE);
    expect(p.edits.map((e) => e.path).filter((x) => x.includes('trial'))).toEqual([]);
    expect(commands(p).filter((c) => /grub-reboot|grub-set-default|systemctl/.test(c))).toEqual([]);
  });

  it('GRUB_DEFAULT=saved with your own saved_entry: no drop-in; that entry is the one booted once and the default put back', async () => {
    const root = grubRoot(
      'iommu-off',
      `# GRUB Environment Block\nsaved_entry=gnulinux-6.5.13-6-pve-advanced-x\n`.padEnd(1024, '#'),
    );
    const g = readFileSync(join(root, 'etc/default/grub'), 'utf8').replace(/^GRUB_DEFAULT=.*$/m, 'GRUB_DEFAULT=saved');
    writeFileSync(join(root, 'etc/default/grub'), g);
    const p = planChanges(await readAt(root), RESERVE, { trial: true });
    expect(p.errors).toEqual([]);
    expect(p.edits.map((e) => e.path)).not.toContain(TRIAL.grubDropIn);
    expect(commands(p)).toContain('grub-reboot gnulinux-6.5.13-6-pve-advanced-x');
    expect(step(p, 'grub-set-default')).toMatchObject({
      undoLast: ['grub-editenv', '/boot/grub/grubenv', 'set', 'saved_entry=gnulinux-6.5.13-6-pve-advanced-x'],
    });

    const runner = createFixtureRunner(root);
    expect((await applyPlan(p, { root, runner, uid: 0 })).ok).toBe(true);
    expect(grubenv(root)).toEqual({ saved_entry: GRUB_RECOVERY_ID, next_entry: 'gnulinux-6.5.13-6-pve-advanced-x' });
    expect((await rollback({ root, runner, uid: 0 })).ok).toBe(true);
    expect(grubenv(root)).toEqual({ saved_entry: 'gnulinux-6.5.13-6-pve-advanced-x' });
  });

  it('refused, with the reason, where it cannot work', async () => {
    const errorOf = async (root: string, intents = RESERVE) =>
      planChanges(await readAt(root), intents, { trial: true })
        .errors.map((e) => e.message)
        .join('\n');
    // The fixtures' own layout: /boot on the LVM volume pve-root, as the Proxmox VE installer makes it.
    expect(await errorOf(keep(copyFixture('iommu-off')))).toMatch(
      /\/boot\/grub is on \/dev\/mapper\/pve-root \(LVM.*never be cleared.*recovery entry in the boot menu/,
    );
    const zfs = grubRoot();
    writeFileSync(join(zfs, 'proc/mounts'), 'rpool/ROOT/pve-1 / zfs rw 0 0\n');
    expect(await errorOf(zfs)).toMatch(/\(zfs, zfs\): GRUB cannot write its environment block/);
    const pinned = grubRoot();
    mkdirSync(join(pinned, 'etc/default/grub.d'), { recursive: true });
    writeFileSync(
      join(pinned, 'etc/default/grub.d/proxmox-kernel-pin.cfg'),
      'GRUB_DEFAULT="gnulinux-advanced-abc>gnulinux-6.5.13-6-pve-advanced-abc"\n',
    );
    expect(await errorOf(pinned)).toMatch(
      /^GRUB_DEFAULT=gnulinux-advanced-abc>gnulinux-6\.5\.13-6-pve-advanced-abc in \/etc\/default\/grub\.d\/proxmox-kernel-pin\.cfg: a trial needs GRUB_DEFAULT=saved/,
    );
    const own = grubRoot();
    writeFileSync(
      join(own, 'etc/default/grub'),
      readFileSync(join(own, 'etc/default/grub'), 'utf8').replace(/^GRUB_DEFAULT=.*$/m, 'GRUB_DEFAULT="2"'),
    );
    expect(await errorOf(own)).toMatch(/^GRUB_DEFAULT=2 in \/etc\/default\/grub:/);
    const unknown = grubRoot();
    rmSync(join(unknown, 'etc/default/grub'));
    expect(await errorOf(unknown)).toMatch(/^boot loader not found .*no one-shot boot can be set/);
    const once = grubRoot('iommu-off', `# GRUB Environment Block\nnext_entry=1\n`.padEnd(1024, '#'));
    expect(await errorOf(once)).toMatch(/a one-shot boot is already set .*next_entry=1/);
    expect(await errorOf(grubRoot(), [{ kind: 'vfs', address: '0000:99:00.0', count: 1 }])).not.toBe(''); // bad intent: blocked anyway
  });

  it('a pending trial: a second one is refused, and any plan that needs a reboot warns', async () => {
    const root = grubRoot();
    const runner = createFixtureRunner(root);
    expect(
      (await applyPlan(planChanges(await readAt(root), RESERVE, { trial: true }), { root, runner, uid: 0 })).ok,
    ).toBe(true);
    writeFileSync(
      join(root, 'boot/grub/grubenv'),
      `# GRUB Environment Block\nsaved_entry=${GRUB_RECOVERY_ID}\n`.padEnd(1024, '#'),
    ); // booted once
    const more: Intent[] = [{ kind: 'reserve', address: '0000:03:00.1' }];
    expect(
      planChanges(await readAt(root), more, { trial: true })
        .errors.map((e) => e.message)
        .join(),
    ).toMatch(/a trial is already pending/);
    expect(
      planChanges(await readAt(root), more)
        .warnings.map((w) => w.message)
        .join(),
    ).toMatch(/a trial boot is still pending/);
    expect((await confirmTrial({ root, runner })).outcome).toBe('ok');
    expect(
      planChanges(await readAt(root), more)
        .warnings.map((w) => w.message)
        .join(),
    ).not.toMatch(/trial/);
  });

  it('a plan that needs no reboot, or leaves nothing reserved, has nothing to try', async () => {
    const root = grubRoot();
    const runner = createFixtureRunner(root);
    expect((await applyPlan(planChanges(await readAt(root), RESERVE), { root, runner, uid: 0 })).ok).toBe(true);
    const again = planChanges(await readAt(root), RESERVE, { trial: true });
    expect(again.errors.map((e) => e.message)).toEqual([
      'this plan needs no reboot: there is nothing to try (apply it without --trial)',
    ]);
    const release = planChanges(await readAt(root), [{ kind: 'release', address: '0000:03:00.0' }], { trial: true });
    expect(release.errors.map((e) => e.message).join()).toMatch(/no device stays reserved/);
  });

  it('on the hand-made node (by-hand, /boot moved off LVM): planned beside its own set-up, applied, confirmed, rolled back', async () => {
    const root = grubRoot('by-hand');
    const before = fingerprint(root);
    const snap = await readAt(root);
    const p = planChanges(snap, [{ kind: 'reserve', address: '0000:03:00.0' }], { trial: true });
    expect(p.errors).toEqual([]);
    const runner = createFixtureRunner(root);
    expect((await applyPlan(p, { root, runner, uid: 0 })).ok).toBe(true);
    expect(grubenv(root)).toEqual({ saved_entry: GRUB_RECOVERY_ID, next_entry: '0' });
    expect(readFileSync(join(root, TRIAL.unit), 'utf8')).toBe(trialUnitText());
    expect(exists(wants(root))).toBe(true);
    expect(readTrialStatus(root).state).toBe('armed');

    // The trial boot: GRUB boots next_entry and clears it (save_env next_entry).
    writeFileSync(
      join(root, 'boot/grub/grubenv'),
      `# GRUB Environment Block\nsaved_entry=${GRUB_RECOVERY_ID}\n`.padEnd(1024, '#'),
    );
    expect(readTrialStatus(root)).toMatchObject({ state: 'pending', loader: 'grub' });
    runner.calls.length = 0;
    const c = await confirmTrial({ root, runner });
    expect(c.outcome).toBe('ok');
    expect(runner.calls).toEqual(restoreArgv(parseTrialEnv(readFileSync(join(root, TRIAL.env), 'utf8'))!));
    expect(grubenv(root)).toEqual({});
    expect(readTrialStatus(root).state).toBe('confirmed');
    expect((await confirmTrial({ root, runner })).outcome).toBe('nothing');

    // Rollback: files, the unit's link and grubenv as they were; the confirmation stays in the state folder.
    expect((await rollback({ root, runner, uid: 0 })).ok).toBe(true);
    expect(fingerprint(root, [STATE_DIR])).toEqual(before);
    expect(readTrialStatus(root).state).toBe('none');
  });

  it('rollback of a trial not yet booted puts the default and the one-shot back and disables the unit', async () => {
    const root = grubRoot();
    const before = fingerprint(root);
    const runner = createFixtureRunner(root);
    expect(
      (await applyPlan(planChanges(await readAt(root), RESERVE, { trial: true }), { root, runner, uid: 0 })).ok,
    ).toBe(true);
    runner.calls.length = 0;
    expect((await rollback({ root, runner, uid: 0 })).ok).toBe(true);
    const cmds = runner.calls.map((c) => c.join(' '));
    expect(cmds[0]).toBe('systemctl disable pve-passthrough-trial.service'); // before the unit file goes
    expect(cmds).toContain('grub-editenv /boot/grub/grubenv unset next_entry');
    expect(cmds).toContain('grub-editenv /boot/grub/grubenv unset saved_entry');
    expect(fingerprint(root, [STATE_DIR])).toEqual(before);
  });

  it('a failing step puts the one-shot back with the rest', async () => {
    const root = grubRoot();
    const before = fingerprint(root, ['.fixture']);
    const canned = join(root, '.fixture/commands.json');
    const answers = existsSync(canned) ? JSON.parse(readFileSync(canned, 'utf8')) : {};
    mkdirSync(join(root, '.fixture'), { recursive: true });
    writeFileSync(
      canned,
      JSON.stringify({
        ...answers,
        'grub-reboot 0': { exitCode: 1, stderr: 'grub-editenv: error: cannot open /boot/grub/grubenv.new\n' },
      }),
    );
    const runner = createFixtureRunner(root);
    const r = await applyPlan(planChanges(await readAt(root), RESERVE, { trial: true }), { root, runner, uid: 0 });
    expect(r.outcome).toBe('failed');
    expect(grubenv(root)).toEqual({}); // grub-set-default's saved_entry undone
    expect(fingerprint(root, [STATE_DIR, '.fixture'])).toEqual(before);
  });
});

describe('plan --trial on systemd-boot (proxmox-boot-tool)', () => {
  it('the recovery entry of the newest kernel as LoaderEntryDefault, its normal entry as LoaderEntryOneShot, each with its undo', async () => {
    const p = planChanges(await readAt(sdbootRoot()), RESERVE, { trial: true });
    expect(p.errors).toEqual([]);
    const cmds = commands(p);
    expect(cmds.slice(-2)).toEqual([
      'bootctl set-default pve-passthrough-recovery-6.8.12-10-pve.conf',
      'bootctl set-oneshot proxmox-6.8.12-10-pve.conf',
    ]);
    expect(cmds.indexOf('bootctl set-default pve-passthrough-recovery-6.8.12-10-pve.conf')).toBeGreaterThan(
      cmds.indexOf('/etc/kernel/postinst.d/zz-pve-passthrough-recovery'),
    );
    expect(step(p, 'bootctl', 'set-default')).toMatchObject({ undoLast: ['bootctl', 'set-default', ''] });
    expect(step(p, 'bootctl', 'set-oneshot')).toMatchObject({ undoLast: ['bootctl', 'set-oneshot', ''] });
    expect(p.edits.map((e) => e.path)).not.toContain(TRIAL.grubDropIn);
  });

  it('a kernel pin, or your own LoaderEntryDefault, decides the entries', async () => {
    const pinned = sdbootRoot();
    writeFileSync(join(pinned, 'etc/kernel/proxmox-boot-pin'), '6.5.13-6-pve\n');
    expect(commands(planChanges(await readAt(pinned), RESERVE, { trial: true })).slice(-2)).toEqual([
      'bootctl set-default pve-passthrough-recovery-6.5.13-6-pve.conf',
      'bootctl set-oneshot proxmox-6.5.13-6-pve.conf',
    ]);
    const own = sdbootRoot({ LoaderEntryDefault: 'proxmox-6.8.12-4-pve.conf' });
    const p = planChanges(await readAt(own), RESERVE, { trial: true });
    expect(commands(p).at(-1)).toBe('bootctl set-oneshot proxmox-6.8.12-4-pve.conf');
    expect(step(p, 'bootctl', 'set-default')).toMatchObject({
      undoLast: ['bootctl', 'set-default', 'proxmox-6.8.12-4-pve.conf'],
    });
  });

  it('refused when this boot did not come through systemd-boot, or a one-shot or a trial is already set', async () => {
    const errorOf = async (root: string) =>
      planChanges(await readAt(root), RESERVE, { trial: true })
        .errors.map((e) => e.message)
        .join('\n');
    expect(await errorOf(keep(copyFixture('guide')))).toMatch(
      /no LoaderInfo EFI variable.*bootctl cannot set a one-shot/,
    );
    expect(await errorOf(sdbootRoot({ LoaderInfo: 'GRUB 2.06' }))).toMatch(/came through GRUB 2\.06, not systemd-boot/);
    expect(await errorOf(sdbootRoot({ LoaderEntryOneShot: 'proxmox-6.5.13-6-pve.conf' }))).toMatch(
      /LoaderEntryOneShot=proxmox-6\.5\.13-6-pve\.conf/,
    );
    expect(await errorOf(sdbootRoot({ LoaderEntryDefault: 'pve-passthrough-recovery-6.8.12-10-pve.conf' }))).toMatch(
      /a trial is already pending/,
    );
  });

  it('apply sets the EFI variables; the trial boot, confirm, status; rollback removes them', async () => {
    const root = sdbootRoot();
    const before = fingerprint(root);
    const runner = createFixtureRunner(root);
    expect(
      (await applyPlan(planChanges(await readAt(root), RESERVE, { trial: true }), { root, runner, uid: 0 })).ok,
    ).toBe(true);
    expect(readEfiString(root, 'LoaderEntryDefault')).toBe('pve-passthrough-recovery-6.8.12-10-pve.conf');
    expect(readEfiString(root, 'LoaderEntryOneShot')).toBe('proxmox-6.8.12-10-pve.conf');
    expect(readTrialStatus(root).state).toBe('armed');
    expect((await confirmTrial({ root, runner })).outcome).toBe('refused'); // not rebooted yet
    const release = await takeLock(root); // an apply or rollback running
    expect(await confirmTrial({ root, runner }, { force: true })).toMatchObject({
      outcome: 'refused',
      message: expect.stringMatching(/another pve-passthrough is applying/),
    });
    await release();
    expect(readEfiString(root, 'LoaderEntryDefault')).toBe('pve-passthrough-recovery-6.8.12-10-pve.conf');

    // Booted through the recovery entry (systemd-boot removed the one-shot; the kernel has the switch).
    rmSync(join(root, `sys/firmware/efi/efivars/LoaderEntryOneShot-${GUID}`));
    const cmdline = readFileSync(join(root, 'proc/cmdline'), 'utf8');
    writeFileSync(join(root, 'proc/cmdline'), `${cmdline.trim()} pve-passthrough=off module_blacklist=vfio_pci\n`);
    expect(readTrialStatus(root).state).toBe('recovered');
    const refused = await confirmTrial({ root, runner });
    expect(refused).toMatchObject({ outcome: 'refused' });
    expect(refused.message).toMatch(/recovery entry.*--force/);
    expect(readEfiString(root, 'LoaderEntryDefault')).toBe('pve-passthrough-recovery-6.8.12-10-pve.conf');

    // The normal trial boot instead: pending, then confirmed by hand.
    writeFileSync(join(root, 'proc/cmdline'), cmdline);
    expect(readTrialStatus(root).state).toBe('pending');
    expect((await confirmTrial({ root, runner })).outcome).toBe('ok');
    expect(readEfiString(root, 'LoaderEntryDefault')).toBeNull();
    expect(readTrialStatus(root).state).toBe('confirmed');

    expect((await rollback({ root, runner, uid: 0 })).ok).toBe(true);
    expect(readEfiString(root, 'LoaderEntryDefault')).toBeNull();
    expect(readEfiString(root, 'LoaderEntryOneShot')).toBeNull();
    expect(fingerprint(root, [STATE_DIR])).toEqual(before);
  });
});

describe('the confirmation script (the unit), run by /bin/sh', () => {
  /** A tree with trial.env, and stand-ins for grub-editenv, bootctl, ip, systemctl that log their argv. */
  function scriptRoot(env: string, health: { linkUp: boolean; address: string; cluster: boolean }) {
    const dir = keep(tempDir());
    const bin = join(dir, 'bin');
    mkdirSync(bin);
    const log = join(dir, 'calls.log');
    const stub = (name: string, body: string) => {
      writeFileSync(join(bin, name), `#!/bin/sh\nprintf '%s\\n' "${name} $*" >>"${log}"\n${body}\n`);
      chmodSync(join(bin, name), 0o755);
    };
    stub('grub-editenv', 'exit 0');
    stub('bootctl', 'exit 0');
    stub('systemctl', `exit ${health.cluster ? 0 : 3}`);
    stub(
      'ip',
      `case "$*" in *link*) ${health.linkUp ? 'echo "5: vmbr0: <BROADCAST,UP,LOWER_UP> mtu 1500 state UP"' : 'true'} ;; *addr*) echo "5: vmbr0    inet ${health.address}/24 brd 192.168.1.255 scope global vmbr0" ;; esac`,
    );
    writeFileSync(join(dir, 'trial.env'), env);
    writeFileSync(join(dir, 'cmdline'), 'BOOT_IMAGE=/boot/vmlinuz-6.8.12-4-pve root=/dev/mapper/pve-root ro quiet\n');
    writeFileSync(join(dir, 'trial-confirm'), trialScriptText());
    const run = (...args: string[]) =>
      spawnSync('/bin/sh', [join(dir, 'trial-confirm'), ...args], {
        encoding: 'utf8',
        env: {
          PATH: `${bin}:${process.env.PATH}`,
          PVE_PASSTHROUGH_TRIAL_ENV: join(dir, 'trial.env'),
          PVE_PASSTHROUGH_STATE: join(dir, 'state'),
          PVE_PASSTHROUGH_CMDLINE: join(dir, 'cmdline'),
          PVE_PASSTHROUGH_TRIAL_POLL: '1',
          PVE_PASSTHROUGH_TRIAL_WAIT: '2',
        },
      });
    const calls = () => (existsSync(log) ? readFileSync(log, 'utf8').trim().split('\n') : []);
    return { dir, run, calls, state: (n: string) => readFileSync(join(dir, 'state', n), 'utf8') };
  }
  const planEnv = async (root: string) =>
    planChanges(await readAt(root), RESERVE, { trial: true }).edits.find((e) => e.path === TRIAL.env)!.after!;

  it('GRUB, healthy: restores the default with the same commands as confirm, records it, and does nothing the second time', async () => {
    const text = await planEnv(grubRoot());
    const env = parseTrialEnv(text)!;
    const t = scriptRoot(text, { linkUp: true, address: env.MGMT_ADDRESS, cluster: true });
    const r = t.run('--wait');
    expect(r.status, r.stderr).toBe(0);
    const boot = t.calls().filter((c) => c.startsWith('grub-editenv'));
    expect(boot).toEqual(restoreArgv(env).map((a) => a.join(' ')));
    expect(t.calls()).toContain('systemctl is-active --quiet pve-cluster');
    expect(t.state('trial-confirmed')).toMatch(new RegExp(`^${env.TRIAL_ID} \\d{4}-\\d\\d-\\d\\dT[\\d:]+Z --wait\\n$`));
    const n = t.calls().length;
    expect(t.run('--wait').status).toBe(0);
    expect(t.calls().length).toBe(n);
  });

  it('systemd-boot: bootctl set-oneshot and set-default as confirm runs them', async () => {
    const text = await planEnv(sdbootRoot({ LoaderEntryDefault: 'proxmox-6.8.12-4-pve.conf' }));
    const env = parseTrialEnv(text)!;
    const t = scriptRoot(text, { linkUp: true, address: env.MGMT_ADDRESS, cluster: true });
    expect(t.run('--wait').status).toBe(0);
    expect(t.calls().filter((c) => c.startsWith('bootctl'))).toEqual([
      'bootctl set-oneshot ',
      'bootctl set-default proxmox-6.8.12-4-pve.conf',
    ]);
    expect(restoreArgv(env)).toEqual([
      ['bootctl', 'set-oneshot', ''],
      ['bootctl', 'set-default', 'proxmox-6.8.12-4-pve.conf'],
    ]);
  });

  it('the management address missing, or pve-cluster down: gives up after the wait, the default stays the recovery entry', async () => {
    const text = await planEnv(grubRoot());
    const env = parseTrialEnv(text)!;
    const t = scriptRoot(text, { linkUp: true, address: '10.9.9.9', cluster: true });
    const r = t.run('--wait');
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(`${env.MGMT_ADDRESS} is not on vmbr0`);
    expect(t.calls().filter((c) => c.startsWith('grub-editenv'))).toEqual([]);
    expect(t.state('trial-unconfirmed')).toMatch(`${env.MGMT_ADDRESS} is not on vmbr0`);
    const down = scriptRoot(text, { linkUp: true, address: env.MGMT_ADDRESS, cluster: false });
    expect(down.run('--wait').status).toBe(1);
    expect(down.state('trial-unconfirmed')).toMatch('pve-cluster is not active');
  });

  it('booted through the recovery entry: exit 3, recorded, nothing restored', async () => {
    const text = await planEnv(grubRoot());
    const t = scriptRoot(text, { linkUp: true, address: parseTrialEnv(text)!.MGMT_ADDRESS, cluster: true });
    writeFileSync(
      join(t.dir, 'cmdline'),
      'BOOT_IMAGE=/boot/vmlinuz root=/dev/sda2 ro quiet pve-passthrough=off module_blacklist=vfio_pci\n',
    );
    const r = t.run('--wait');
    expect(r.status).toBe(3);
    expect(t.calls()).toEqual([]);
    expect(t.state('trial-recovered')).toMatch(/ recovery-entry\n$/);
  });

  it('is valid sh (sh -n) and the unit runs it with --wait', () => {
    const dir = keep(tempDir());
    writeFileSync(join(dir, 's'), trialScriptText());
    execFileSync('/bin/sh', ['-n', join(dir, 's')]);
    expect(trialUnitText()).toMatch(/^ExecStart=\/etc\/pve-passthrough\/trial-confirm --wait$/m);
    expect(trialUnitText()).toMatch(/^WantedBy=multi-user.target$/m);
  });
});

describe('CLI: apply --trial, status, confirm', () => {
  it('apply --trial --yes, then status --json and confirm, with their exit codes', async () => {
    const root = grubRoot();
    const a = await runCli(['apply', '--root', root, '--reserve', '0000:03:00.0', '--trial', '--yes']);
    expect(a.code, a.stderr).toBe(0);
    expect(a.stdout).toMatch(/Reboot the node with a trial/);
    const s = await runCli(['status', '--root', root, '--json']);
    expect(s.code).toBe(3);
    expect(JSON.parse(s.stdout)).toMatchObject({ state: 'armed', loader: 'grub' });
    const early = await runCli(['confirm', '--root', root]);
    expect(early.code).toBe(4);
    expect(early.stderr).toMatch(/has not happened yet/);
    const forced = await runCli(['confirm', '--root', root, '--force']);
    expect(forced.code).toBe(0);
    expect((await runCli(['status', '--root', root])).code).toBe(0);
    const none = keep(copyFixture('guide'));
    const n = await runCli(['status', '--root', none]);
    expect([n.code, n.stdout]).toEqual([0, 'No trial boot is set up.\n']);
  });

  it('apply --trial refused on the LVM layout: exit 3, nothing written', async () => {
    const root = keep(copyFixture('by-hand'));
    const before = fingerprint(root);
    const a = await runCli(['apply', '--root', root, '--reserve', '0000:03:00.0', '--trial', '--yes']);
    expect(a.code).toBe(3);
    expect(a.stdout).toMatch(/GRUB cannot write its environment block/);
    expect(fingerprint(root)).toEqual(before);
  });

  it('a recovery boot: status exit 5', async () => {
    const root = grubRoot();
    expect((await runCli(['apply', '--root', root, '--reserve', '0000:03:00.0', '--trial', '--yes'])).code).toBe(0);
    writeFileSync(
      join(root, 'proc/cmdline'),
      'BOOT_IMAGE=/boot/vmlinuz root=/dev/sda2 ro pve-passthrough=off module_blacklist=vfio_pci\n',
    );
    const s = await runCli(['status', '--root', root]);
    expect(s.code).toBe(5);
    expect(s.stdout).toMatch(/came back through the recovery entry/);
  });
});

describe('TUI: the commit dialog offers the trial boot', () => {
  const storeAt = async (root: string) => {
    const { createAppStore } = await import('../../src/store/app-store.ts');
    const runner = createFixtureRunner(root);
    const snapshot = await readAt(root);
    const applied: Plan[] = [];
    const rereads: Promise<unknown>[] = [];
    const store = createAppStore({
      snapshot,
      size: { columns: 80, rows: 24 },
      colour: false,
      ascii: true,
      host: {
        root,
        fixture: true,
        demo: false,
        apply: async (plan) => (applied.push(plan), applyPlan(plan, { root, runner, uid: 0 })),
        reread: () => {
          const p = readAt(root);
          rereads.push(p);
          return p;
        },
      },
    });
    store.setState({ intents: RESERVE });
    /** The commit started by a key has re-read the host and set its result. */
    const settled = async () => {
      while (!rereads.length) await new Promise((r) => setImmediate(r));
      await rereads[0];
      await new Promise((r) => setImmediate(r));
    };
    return { store, applied, settled };
  };

  it('third button / t: applies the trial plan; the result says to reboot with a trial', async () => {
    const A = await import('../../src/store/actions.ts');
    const { bindingsFor } = await import('../../src/ui/keymap.ts');
    const root = grubRoot();
    const { store, applied, settled } = await storeAt(root);
    A.requestCommit(store);
    expect(store.getState().dialog).toMatchObject({ kind: 'confirm' });
    const t = bindingsFor('confirm').find((b) => b.keys === 't')!;
    t.run!(store, { input: 't' } as never);
    expect(store.getState().dialog).toMatchObject({ kind: 'progress' });
    await settled();
    expect(applied).toHaveLength(1);
    expect(commands(applied[0]!)).toContain('grub-reboot 0');
    const d = store.getState().dialog;
    expect(d?.kind === 'result' && d.result.nextSteps[0]).toMatch(/^Reboot the node with a trial/);
    expect(grubenv(root)).toEqual({ saved_entry: GRUB_RECOVERY_ID, next_entry: '0' });
  });

  it('where the boot loader cannot carry it: nothing applied, the reason in a dialog', async () => {
    const A = await import('../../src/store/actions.ts');
    const { store, applied } = await storeAt(keep(copyFixture('by-hand')));
    A.requestCommit(store);
    await A.commit(store, true);
    expect(applied).toEqual([]);
    const d = store.getState().dialog;
    expect(d?.kind).toBe('info');
    expect(d?.kind === 'info' && d.title).toBe('No trial boot');
    expect(d?.kind === 'info' && d.lines[0]).toMatch(/\/boot\/grub is on \/dev\/mapper\/pve-root/);
  });
});
