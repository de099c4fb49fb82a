// The recovery boot entry (issue 13): what the plan writes for each boot loader, the generated
// scripts run by /bin/sh on fixture trees (GRUB's with a stand-in for 10_linux, the ESP hook on
// ESP folders), and apply / rollback / release on fixture copies, byte for byte.
import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { applyPlan, rollback } from '../../src/host/apply.ts';
import { createFixtureRunner } from '../../src/host/fixture-runner.ts';
import { STATE_DIR } from '../../src/host/state.ts';
import { checkHost } from '../../src/model/checks.ts';
import { OWN } from '../../src/model/plan/files.ts';
import { planChanges } from '../../src/model/plan/index.ts';
import { espHookText, grubRecoveryText, RECOVERY } from '../../src/model/plan/recovery.ts';
import type { Intent, Plan } from '../../src/model/types.ts';
import { readAt } from '../helpers/snapshots.ts';
import { copyFixture, fingerprint, removeTree, tempDir } from '../helpers/tree.ts';

const trash: string[] = [];
afterAll(() => trash.forEach(removeTree));
const fixture = (name: string) => {
  const root = copyFixture(name);
  trash.push(root);
  return root;
};
const commands = (p: Plan) => p.steps.flatMap((s) => (s.kind === 'command' ? [s.argv.join(' ')] : []));
const edit = (p: Plan, path: string) => p.edits.find((e) => e.path === path);
const HOOK = `/${RECOVERY.espInstall}`;
const RESERVE: Intent[] = [{ kind: 'reserve', address: '0000:03:00.0' }];
const RELEASE: Intent[] = [{ kind: 'release', address: '0000:03:00.0' }];

describe('plan: the recovery entry follows the reservations', () => {
  it('GRUB node: an executable /etc/grub.d script, then update-grub', async () => {
    const p = planChanges(await readAt(fixture('iommu-off')), RESERVE);
    const g = edit(p, RECOVERY.grub)!;
    expect(g).toMatchObject({ before: null, after: grubRecoveryText(), mode: 0o755 });
    expect(edit(p, RECOVERY.espInstall)).toBeUndefined();
    expect(commands(p)).toContain('update-grub');
    expect(commands(p).indexOf('update-grub')).toBeGreaterThan(commands(p).indexOf('update-initramfs -u -k all'));
  });

  it('systemd-boot via proxmox-boot-tool: the kernel hook in postinst.d and postrm.d, run after proxmox-boot-tool refresh', async () => {
    const p = planChanges(await readAt(fixture('guide')), RESERVE);
    for (const path of [RECOVERY.espInstall, RECOVERY.espRemove])
      expect(edit(p, path)).toMatchObject({ before: null, after: espHookText(), mode: 0o755 });
    expect(edit(p, RECOVERY.grub)).toMatchObject({ after: grubRecoveryText() }); // for ESPs that boot GRUB
    expect(commands(p).slice(-2)).toEqual(['proxmox-boot-tool refresh', HOOK]);
    // The plan shows them like every other file, with the reason.
    expect(edit(p, RECOVERY.espInstall)!.reason).toMatch(/recovery boot entry/);
  });

  it('kept while a reservation remains, removed (hook first, with --remove) by the plan that releases the last', async () => {
    const root = fixture('guide');
    const runner = createFixtureRunner(root);
    const two: Intent[] = [...RESERVE, { kind: 'reserve', address: '0000:03:00.1' }];
    expect((await applyPlan(planChanges(await readAt(root), two), { root, runner, uid: 0 })).ok).toBe(true);
    expect(statSync(join(root, RECOVERY.espInstall)).mode & 0o777).toBe(0o755);
    expect(statSync(join(root, RECOVERY.grub)).mode & 0o777).toBe(0o755);
    expect(planChanges(await readAt(root), two).edits).toEqual([]); // idempotent: nothing to add

    const one = planChanges(await readAt(root), RELEASE);
    expect(one.edits.map((e) => e.path)).not.toContain(RECOVERY.espInstall);
    expect(commands(one)).not.toContain(`${HOOK} --remove`);

    expect((await applyPlan(one, { root, runner, uid: 0 })).ok).toBe(true);
    const last = planChanges(await readAt(root), [{ kind: 'release', address: '0000:03:00.1' }]);
    for (const path of [RECOVERY.grub, RECOVERY.espInstall, RECOVERY.espRemove])
      expect(edit(last, path)).toMatchObject({ after: null });
    expect(last.steps[0]).toEqual({
      kind: 'command',
      argv: [HOOK, '--remove'],
      reason: 'delete the recovery entries from every ESP',
      undoLast: [HOOK],
    });
    expect(commands(last)).not.toContain(HOOK);
    runner.calls.length = 0;
    expect((await applyPlan(last, { root, runner, uid: 0 })).ok).toBe(true);
    expect(runner.calls[0]).toEqual([HOOK, '--remove']);
    for (const path of [RECOVERY.grub, RECOVERY.espInstall, RECOVERY.espRemove, OWN.initTop])
      expect(existsSync(join(root, path)), path).toBe(false);
  });

  it('a plan without reservation changes leaves the recovery files alone', async () => {
    const p = planChanges(await readAt(fixture('guide')), [{ kind: 'vfs', address: '0000:04:00.0', count: 2 }]);
    expect(p.edits.map((e) => e.path).filter((x) => x.includes('recovery'))).toEqual([]);
  });
});

describe('apply and rollback: the tree comes back byte for byte', () => {
  for (const [name, refresh] of [
    ['iommu-off', 'update-grub'],
    ['guide', 'proxmox-boot-tool refresh'],
  ] as const) {
    it(`${name}: recovery files written, then undone (${refresh} re-run)`, async () => {
      const root = fixture(name);
      const before = fingerprint(root, [STATE_DIR]);
      const runner = createFixtureRunner(root);
      const r = await applyPlan(planChanges(await readAt(root), RESERVE), { root, runner, uid: 0 });
      expect(r.ok).toBe(true);
      expect(readFileSync(join(root, RECOVERY.grub), 'utf8')).toBe(grubRecoveryText());
      runner.calls.length = 0;
      const rb = await rollback({ root, runner, uid: 0 });
      expect(rb.ok).toBe(true);
      expect(runner.calls.map((c) => c.join(' '))).toContain(refresh);
      expect(fingerprint(root, [STATE_DIR])).toEqual(before);
    });
  }
});

describe('the GRUB script (run by update-grub)', () => {
  // A stand-in for Debian's 10_linux: newest kernel first, each entry a column-0 menuentry block
  // with the command line from the environment grub-mkconfig exports (submenu off: no indent).
  const fake10Linux = `#!/bin/sh
cat <<EOF
function gfxmode {
	set gfxpayload="\\$1"
}
EOF
for v in 6.8.12-4-pve 6.5.13-6-pve; do
cat <<EOF
menuentry 'Proxmox VE GNU/Linux, with Linux $v' --class proxmox \\$menuentry_id_option 'gnulinux-$v-advanced-1234abcd' {
	load_video
	insmod gzio
	echo	'Loading Linux $v ...'
	linux	/boot/vmlinuz-$v root=/dev/mapper/pve-root ro $GRUB_CMDLINE_LINUX $GRUB_CMDLINE_LINUX_DEFAULT
	initrd	/boot/initrd.img-$v
}
EOF
[ "$GRUB_DISABLE_RECOVERY" = true ] || echo "menuentry 'recovery $v' {"; [ "$GRUB_DISABLE_RECOVERY" = true ] || echo "}"
[ "$GRUB_DISABLE_SUBMENU" = true ] || echo "submenu-was-not-disabled"
done
`;
  function runGrub(linux: string | null) {
    const dir = tempDir('grub-d-');
    trash.push(dir);
    const script = join(dir, '42_pve-passthrough-recovery');
    writeFileSync(script, grubRecoveryText());
    const linuxPath = join(dir, '10_linux');
    if (linux !== null) {
      writeFileSync(linuxPath, linux);
      chmodSync(linuxPath, 0o755);
    }
    const out = execFileSync('/bin/sh', [script], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
      env: {
        PATH: process.env.PATH,
        PVE_PASSTHROUGH_GRUB_LINUX: linuxPath,
        GRUB_CMDLINE_LINUX: '',
        GRUB_CMDLINE_LINUX_DEFAULT: 'quiet intel_iommu=on',
      },
    });
    return out;
  }

  it('emits one entry: the newest kernel, the switch on its command line, its own title and id', () => {
    expect(runGrub(fake10Linux)).toBe(
      "menuentry 'Proxmox VE GNU/Linux, with Linux 6.8.12-4-pve - passthrough off (pve-passthrough recovery)' --class proxmox $menuentry_id_option 'pve-passthrough-recovery' {\n" +
        '\tload_video\n\tinsmod gzio\n' +
        "\techo\t'Loading Linux 6.8.12-4-pve ...'\n" +
        '\tlinux\t/boot/vmlinuz-6.8.12-4-pve root=/dev/mapper/pve-root ro  quiet intel_iommu=on pve-passthrough=off module_blacklist=vfio_pci\n' +
        '\tinitrd\t/boot/initrd.img-6.8.12-4-pve\n}\n',
    );
  });

  it('no 10_linux: no entry, no failure of update-grub', () => {
    expect(runGrub(null)).toBe('');
  });
});

describe('the ESP hook (postinst.d / postrm.d, after zz-proxmox-boot)', () => {
  const entry = (v: string) =>
    `title    Proxmox Virtual Environment\nversion  ${v}\noptions  root=ZFS=rpool/ROOT/pve-1 boot=zfs intel_iommu=on\nlinux    /EFI/proxmox/${v}/vmlinuz-${v}\ninitrd   /EFI/proxmox/${v}/initrd.img-${v}\n`;
  function esps(kernels: string[][]) {
    const root = tempDir('esps-');
    trash.push(root);
    const uuids = kernels.map((_, i) => `ABCD-00${i}${i}`);
    kernels.forEach((ks, i) => {
      const e = join(root, 'esp', uuids[i]!, 'loader/entries');
      mkdirSync(e, { recursive: true });
      writeFileSync(join(root, 'esp', uuids[i]!, 'loader/loader.conf'), 'timeout 3\ndefault proxmox-*\n');
      for (const k of ks) writeFileSync(join(e, `proxmox-${k}.conf`), entry(k));
    });
    writeFileSync(join(root, 'proxmox-boot-uuids'), `${uuids.join('\n')}\n`);
    const hook = join(root, 'zz-pve-passthrough-recovery');
    writeFileSync(hook, espHookText());
    const run = (...args: string[]) =>
      execFileSync('/bin/sh', [hook, ...args], {
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'pipe'],
        env: {
          PATH: process.env.PATH,
          PVE_PASSTHROUGH_ESP_LIST: join(root, 'proxmox-boot-uuids'),
          PVE_PASSTHROUGH_ESP_ROOT: join(root, 'esp'),
        },
      });
    const list = (i: number) => readdirSync(join(root, 'esp', uuids[i]!, 'loader/entries')).sort();
    const read = (i: number, f: string) => readFileSync(join(root, 'esp', uuids[i]!, 'loader/entries', f), 'utf8');
    return { root, uuids, run, list, read };
  }

  it('writes a recovery entry per proxmox entry on every ESP, with the switch, and leaves the rest alone', () => {
    const t = esps([
      ['6.8.12-4-pve', '6.5.13-6-pve'],
      ['6.8.12-4-pve', '6.5.13-6-pve'],
    ]);
    t.run('6.8.12-4-pve', '/boot/vmlinuz-6.8.12-4-pve'); // how run-parts calls a postinst.d hook
    for (const i of [0, 1]) {
      expect(t.list(i)).toEqual([
        'proxmox-6.5.13-6-pve.conf',
        'proxmox-6.8.12-4-pve.conf',
        'pve-passthrough-recovery-6.5.13-6-pve.conf',
        'pve-passthrough-recovery-6.8.12-4-pve.conf',
      ]);
      expect(t.read(i, 'proxmox-6.8.12-4-pve.conf')).toBe(entry('6.8.12-4-pve'));
      expect(t.read(i, 'pve-passthrough-recovery-6.8.12-4-pve.conf')).toBe(
        'title    Proxmox Virtual Environment - passthrough off (pve-passthrough recovery)\nversion  6.8.12-4-pve\n' +
          'options  root=ZFS=rpool/ROOT/pve-1 boot=zfs intel_iommu=on pve-passthrough=off module_blacklist=vfio_pci\n' +
          'linux    /EFI/proxmox/6.8.12-4-pve/vmlinuz-6.8.12-4-pve\ninitrd   /EFI/proxmox/6.8.12-4-pve/initrd.img-6.8.12-4-pve\n',
      );
    }
  });

  it('follows kernel removal and a new command line: stale recovery entries go, the rest is renewed', () => {
    const t = esps([['6.8.12-4-pve', '6.5.13-6-pve']]);
    t.run();
    // zz-proxmox-boot removed 6.5 and rewrote 6.8's entry with a new command line.
    const dir = join(t.root, 'esp', t.uuids[0]!, 'loader/entries');
    execFileSync('rm', [join(dir, 'proxmox-6.5.13-6-pve.conf')]);
    writeFileSync(
      join(dir, 'proxmox-6.8.12-4-pve.conf'),
      entry('6.8.12-4-pve').replace('intel_iommu=on', 'intel_iommu=on iommu=pt'),
    );
    t.run();
    expect(t.list(0)).toEqual(['proxmox-6.8.12-4-pve.conf', 'pve-passthrough-recovery-6.8.12-4-pve.conf']);
    expect(t.read(0, 'pve-passthrough-recovery-6.8.12-4-pve.conf')).toContain(
      'options  root=ZFS=rpool/ROOT/pve-1 boot=zfs intel_iommu=on iommu=pt pve-passthrough=off module_blacklist=vfio_pci\n',
    );
  });

  it('--remove deletes only our entries; loader.conf keeps `default proxmox-*`', () => {
    const t = esps([['6.8.12-4-pve']]);
    t.run();
    t.run('--remove');
    expect(t.list(0)).toEqual(['proxmox-6.8.12-4-pve.conf']);
    expect(readFileSync(join(t.root, 'esp', t.uuids[0]!, 'loader/loader.conf'), 'utf8')).toBe(
      'timeout 3\ndefault proxmox-*\n',
    );
  });

  it('no proxmox-boot-uuids (a GRUB node): does nothing', () => {
    const t = esps([['6.8.12-4-pve']]);
    execFileSync('rm', [join(t.root, 'proxmox-boot-uuids')]);
    expect(t.run()).toBe('');
    expect(t.list(0)).toEqual(['proxmox-6.8.12-4-pve.conf']);
  });
});

describe('check: the state of the way back', () => {
  const recoveryFindings = async (root: string) =>
    checkHost(await readAt(root)).filter((f) => /recovery boot entry|passthrough off/.test(f.message));

  it('booted through the recovery entry: says so, and what to do', async () => {
    const root = fixture('guide');
    writeFileSync(
      join(root, 'proc/cmdline'),
      `${readFileSync(join(root, 'proc/cmdline'), 'utf8').trimEnd()} pve-passthrough=off module_blacklist=vfio_pci\n`,
    );
    const f = await recoveryFindings(root);
    expect(f.map((x) => x.message)).toEqual([expect.stringMatching(/^this boot runs with passthrough off/)]);
    expect(f[0]!.fix).toMatch(/When the node does not come back/);
  });

  it('reservations written by an older version (no entry): a warning until the entry is there', async () => {
    const root = fixture('guide');
    const runner = createFixtureRunner(root);
    expect((await applyPlan(planChanges(await readAt(root), RESERVE), { root, runner, uid: 0 })).ok).toBe(true);
    expect(await recoveryFindings(root)).toEqual([]);
    execFileSync('rm', [join(root, RECOVERY.espInstall)]);
    const f = await recoveryFindings(root);
    expect(f.map((x) => x.message)).toEqual([
      expect.stringContaining(`recovery boot entry is missing (/${RECOVERY.espInstall})`),
    ]);
  });

  it('nothing reserved: nothing to report', async () => {
    expect(await recoveryFindings(fixture('iommu-off'))).toEqual([]);
  });
});
