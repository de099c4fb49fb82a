// The boot script that reserves single functions by address, run by the system shell on a copy
// of a node's tree: it pins the card it expects, leaves a different card in that slot alone,
// and skips an address with nothing in it — each with a line for the kernel log.
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
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
    execFileSync('/bin/sh', [script], { env: { PATH: '/nonexistent', PVE_PASSTHROUGH_SYSFS: join(root, 'sys'), PVE_PASSTHROUGH_LOG: log } });
    const override = (a: string) => readFileSync(join(root, 'sys/bus/pci/devices', a, 'driver_override'), 'utf8');
    expect(override('0000:03:00.0')).toBe('vfio-pci\n');
    expect(override('0000:08:00.0')).toBe('(null)\n');
    expect(readFileSync(log, 'utf8')).toBe(
      'pve-passthrough: 0000:08:00.0 is 8086:1521, expected 8086:10fb: not bound to vfio-pci\n' + 'pve-passthrough: 0000:0f:00.0 not present, skipped\n',
    );
  });

  it('answers initramfs-tools prereqs and exits', () => {
    const out = execFileSync('/bin/sh', ['-c', `${initTopText([{ address: '0000:03:00.0', id: '8086:1521' }])!.replace(/^#!.*\n/, '')}`, 'sh', 'prereqs'], { encoding: 'utf8' });
    expect(out).toBe('\n');
  });
});
