import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { STATE_DIR } from '../../src/host/state.ts';
import { runCli } from '../helpers/cli.ts';
import { copyFixture, fingerprint, removeTree } from '../helpers/tree.ts';

describe('plan / apply / rollback / history', () => {
  const root = copyFixture('guide');
  const before = fingerprint(root, [STATE_DIR]);
  afterAll(() => removeTree(root));
  const changes = ['--reserve', '03:00.0', '--vfs', '04:00.1=2', '--assign', '07:00=102,x-vga=1,all-functions=1'];

  it('plan prints diffs, steps in order, reboot and warnings, and changes nothing', async () => {
    const r = await runCli(['plan', '--root', root, ...changes], { NO_COLOR: '1' });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('+++ b/etc/initramfs-tools/scripts/init-top/pve-passthrough-vfio');
    expect(r.stdout).toContain('+bind 0000:03:00.0 8086:1521');
    expect(r.stdout).toContain('-machine: pc-i440fx-8.1\n+machine: q35');
    expect(r.stdout).toMatch(
      /Steps, in order:\n  1\. create \/etc\/initramfs-tools\/.*\n(.*\n)*  \d\. qm set 102 --hostpci0 0000:07:00,pcie=1,x-vga=1 --machine q35/,
    );
    expect(r.stdout).toMatch(/Reboot needed: vfio-pci reservations take effect at boot/);
    expect(r.stdout).toMatch(/warning: 0000:03:00.0: reserved by address/);
    expect(fingerprint(root, [STATE_DIR])).toEqual(before);
    const json = JSON.parse((await runCli(['plan', '--root', root, ...changes, '--json'])).stdout);
    expect(json.rebootRequired).toBe(true);
  });

  it('apply without --yes refuses; --dry-run only shows; blocked plans exit 3', async () => {
    const no = await runCli(['apply', '--root', root, ...changes]);
    expect(no.code).toBe(3);
    expect(no.stderr).toMatch(/add --yes/);
    expect((await runCli(['apply', '--root', root, ...changes, '--dry-run'])).code).toBe(0);
    const bad = await runCli(['apply', '--root', root, '--vfs', '04:00.0=99', '--yes']);
    expect(bad.code).toBe(3);
    expect(bad.stdout).toMatch(/out of range: 0\.\.32/);
    expect(fingerprint(root, [STATE_DIR])).toEqual(before);
    expect((await runCli(['plan', '--root', root, '--assign', 'nonsense'])).code).toBe(2);
  });

  it('apply --yes applies; history shows it; rollback restores the tree', async () => {
    const r = await runCli(['apply', '--root', root, ...changes, '--yes']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/Applied .* Backups of every file touched: .*var\/lib\/pve-passthrough\/backups\//);
    expect(readFileSync(join(root, 'etc/pve/qemu-server/102.conf'), 'utf8')).toContain(
      'hostpci0: 0000:07:00,pcie=1,x-vga=1',
    );
    const again = await runCli(['plan', '--root', root, '--reserve', '03:00.0'], { NO_COLOR: '1' });
    expect(again.stdout).toBe('Nothing to do: the host already matches what was asked.\n');
    expect((await runCli(['history', '--root', root])).stdout).toMatch(/root {2}apply {2}.* -> ok/);
    const rb = await runCli(['rollback', '--root', root]);
    expect(rb.code).toBe(0);
    expect(fingerprint(root, [STATE_DIR])).toEqual(before);
    expect((await runCli(['rollback', '--root', root])).code).toBe(0); // nothing left to roll back: said, exit 0
  });
});
