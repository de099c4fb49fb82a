// The boot script that reserves single functions by address, run by the system shell on a copy
// of a node's tree: it pins the card it expects, leaves a different card in that slot alone,
// and skips an address with nothing in it — each with a line for the kernel log.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { initTopText } from '../../src/model/plan/files.ts';
import { copyFixture, removeTree } from '../helpers/tree.ts';

const trash: string[] = [];
afterAll(() => trash.forEach(removeTree));

describe('init-top script', () => {
  it('binds only where the expected vendor:device sits, using shell built-ins alone', () => {
    const root = copyFixture('guide');
    trash.push(root);
    const script = join(root, 'pve-passthrough-vfio');
    writeFileSync(
      script,
      initTopText([
        { address: '0000:03:00.0', id: '8086:1521' }, // the I350 that is there
        { address: '0000:08:00.0', id: '8086:10fb' }, // another I350 sits here, not an 82599
        { address: '0000:0f:00.0', id: '10de:1b80' }, // slot empty
      ])!,
    );
    const log = join(root, 'kmsg');
    writeFileSync(log, '');
    // An empty PATH: external tools (sed, cat) would fail; built-ins and redirections still work.
    execFileSync('/bin/sh', [script], {
      env: {
        PATH: '/nonexistent',
        PVE_PASSTHROUGH_SYSFS: join(root, 'sys'),
        PVE_PASSTHROUGH_LOG: log,
        PVE_PASSTHROUGH_CMDLINE: '/nonexistent',
      },
    });
    const override = (a: string) => readFileSync(join(root, 'sys/bus/pci/devices', a, 'driver_override'), 'utf8');
    expect(override('0000:03:00.0')).toBe('vfio-pci\n');
    expect(override('0000:08:00.0')).toBe('(null)\n');
    expect(readFileSync(log, 'utf8')).toBe(
      'pve-passthrough: 0000:03:00.0 released by its driver for vfio-pci\n' +
        'pve-passthrough: 0000:08:00.0 is 8086:1521, expected 8086:10fb: not bound to vfio-pci\n' +
        'pve-passthrough: 0000:0f:00.0 not present, skipped\n',
    );
    // igb held 03:00.0 (this tree is a running node): the script asked it to let go.
    expect(readFileSync(join(root, 'sys/bus/pci/drivers/igb/unbind'), 'utf8')).toBe('0000:03:00.0\n');
  });

  // The order in which vfio-pci and the host driver register must not matter (a real boot showed
  // a card left with no driver when vfio-pci was registered before the script ran).
  describe('whatever is loaded when it runs', () => {
    function tree(opts: { vfioRegistered: boolean; boundTo: string | null }) {
      const root = mkdtempSync(join(tmpdir(), 'init-top-'));
      trash.push(root);
      const sys = join(root, 'sys');
      const dev = join(sys, 'bus/pci/devices/0000:01:00.0');
      mkdirSync(dev, { recursive: true });
      writeFileSync(join(dev, 'vendor'), '0x8086\n');
      writeFileSync(join(dev, 'device'), '0x10d3\n');
      writeFileSync(join(dev, 'driver_override'), '(null)\n');
      for (const d of ['e1000e', ...(opts.vfioRegistered ? ['vfio-pci'] : [])])
        mkdirSync(join(sys, 'bus/pci/drivers', d), { recursive: true });
      if (opts.boundTo) symlinkSync(`../../drivers/${opts.boundTo}`, join(dev, 'driver'));
      const script = join(root, 'pve-passthrough-vfio');
      writeFileSync(script, initTopText([{ address: '0000:01:00.0', id: '8086:10d3' }])!);
      const log = join(root, 'kmsg');
      writeFileSync(log, '');
      execFileSync('/bin/sh', [script], {
        env: {
          PATH: '/nonexistent',
          PVE_PASSTHROUGH_SYSFS: sys,
          PVE_PASSTHROUGH_LOG: log,
          PVE_PASSTHROUGH_CMDLINE: '/nonexistent',
        },
      });
      const read = (p: string) => (existsSync(join(sys, p)) ? readFileSync(join(sys, p), 'utf8') : null);
      return {
        override: read('bus/pci/devices/0000:01:00.0/driver_override'),
        probe: read('bus/pci/drivers_probe'),
        unbind: (d: string) => read(`bus/pci/drivers/${d}/unbind`),
        log: readFileSync(log, 'utf8'),
      };
    }

    it('vfio-pci already registered, card unbound: asks the PCI core to probe it', () => {
      const t = tree({ vfioRegistered: true, boundTo: null });
      expect(t.override).toBe('vfio-pci\n');
      expect(t.probe).toBe('0000:01:00.0\n');
      expect(t.log).toBe('pve-passthrough: 0000:01:00.0 probed now: vfio-pci is already registered\n');
    });

    it('vfio-pci not registered yet: only driver_override, vfio-pci binds when it loads', () => {
      const t = tree({ vfioRegistered: false, boundTo: null });
      expect(t.override).toBe('vfio-pci\n');
      expect(t.probe).toBeNull();
    });

    it('a host driver already holds the card: unbinds it first', () => {
      const t = tree({ vfioRegistered: true, boundTo: 'e1000e' });
      expect(t.override).toBe('vfio-pci\n');
      expect(t.unbind('e1000e')).toBe('0000:01:00.0\n');
      expect(t.log).toBe('pve-passthrough: 0000:01:00.0 released by its driver for vfio-pci\n');
    });

    it('already bound to vfio-pci: leaves it alone', () => {
      const t = tree({ vfioRegistered: true, boundTo: 'vfio-pci' });
      expect(t.override).toBe('vfio-pci\n');
      expect(t.unbind('vfio-pci')).toBeNull();
      expect(t.probe).toBeNull();
      expect(t.log).toBe('');
    });
  });

  // The kill switch: the recovery boot entry puts pve-passthrough=off on the command line.
  describe('kill switch on the kernel command line', () => {
    function run(cmdline: string | null) {
      const root = copyFixture('guide');
      trash.push(root);
      const script = join(root, 'pve-passthrough-vfio');
      writeFileSync(script, initTopText([{ address: '0000:03:00.0', id: '8086:1521' }])!);
      const log = join(root, 'kmsg');
      writeFileSync(log, '');
      const cmdlineFile = join(root, 'cmdline');
      if (cmdline !== null) writeFileSync(cmdlineFile, cmdline);
      execFileSync('/bin/sh', [script], {
        env: {
          PATH: '/nonexistent',
          PVE_PASSTHROUGH_SYSFS: join(root, 'sys'),
          PVE_PASSTHROUGH_LOG: log,
          PVE_PASSTHROUGH_CMDLINE: cmdlineFile,
        },
      });
      return {
        override: readFileSync(join(root, 'sys/bus/pci/devices/0000:03:00.0/driver_override'), 'utf8'),
        unbind: existsSync(join(root, 'sys/bus/pci/drivers/igb/unbind'))
          ? readFileSync(join(root, 'sys/bus/pci/drivers/igb/unbind'), 'utf8')
          : null,
        log: readFileSync(log, 'utf8'),
      };
    }

    it('pve-passthrough=off: binds nothing and says so', () => {
      const t = run(
        'BOOT_IMAGE=/boot/vmlinuz-6.8.12-4-pve root=/dev/mapper/pve-root ro quiet intel_iommu=on pve-passthrough=off module_blacklist=vfio_pci\n',
      );
      expect(t.override).toBe('(null)\n');
      expect(t.unbind ?? '').toBe('');
      expect(t.log).toBe(
        'pve-passthrough: pve-passthrough=off on the kernel command line: no device bound to vfio-pci\n',
      );
    });

    it('as the first or last word, and without a trailing newline', () => {
      expect(run('pve-passthrough=off root=ZFS=rpool/ROOT/pve-1').override).toBe('(null)\n');
      expect(run('root=ZFS=rpool/ROOT/pve-1 boot=zfs pve-passthrough=off').override).toBe('(null)\n');
    });

    it('only the exact word: other values and look-alikes bind as usual', () => {
      for (const line of [
        'root=/dev/sda1 ro pve-passthrough=on\n',
        'root=/dev/sda1 xpve-passthrough=off\n',
        'root=/dev/sda1 pve-passthrough=offline\n',
        '',
      ]) {
        expect(run(line).override).toBe('vfio-pci\n');
      }
    });

    it('no readable command line: binds as usual', () => {
      expect(run(null).override).toBe('vfio-pci\n');
    });
  });

  it('answers initramfs-tools prereqs and exits', () => {
    const out = execFileSync(
      '/bin/sh',
      ['-c', `${initTopText([{ address: '0000:03:00.0', id: '8086:1521' }])!.replace(/^#!.*\n/, '')}`, 'sh', 'prereqs'],
      { encoding: 'utf8' },
    );
    expect(out).toBe('\n');
  });
});
