// readAttr: sysfs attributes through one shared page buffer, with readTrimmed's results;
// linkTarget for the NIC links host-uses.ts follows.
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { linkTarget, readAttr, readTrimmed } from '../../src/host/fsread.ts';
import { encodeLossless } from '../../src/model/bytes.ts';
import { removeTree, tempDir } from '../helpers/tree.ts';

const dir = tempDir('pvept-fsread-');
afterAll(() => removeTree(dir));

describe('readAttr', () => {
  it('gives what readTrimmed gives, for small, empty, page-sized, larger and non-UTF-8 files', () => {
    const files: Record<string, Buffer> = {
      vendor: Buffer.from('0x8086\n'),
      empty: Buffer.alloc(0),
      spaces: Buffer.from('  flr bus \n'),
      page: Buffer.alloc(4096, 'a'),
      almost: Buffer.alloc(4095, 'b'),
      big: Buffer.concat([Buffer.alloc(10_000, 'c'), Buffer.from('end\n')]),
      latin1: Buffer.from([0x4d, 0xfc, 0x6c, 0x6c, 0x65, 0x72, 0x0a]),
    };
    for (const [name, bytes] of Object.entries(files)) writeFileSync(join(dir, name), bytes);
    for (const name of Object.keys(files)) expect(readAttr(join(dir, name)), name).toBe(readTrimmed(join(dir, name)));
    expect(readAttr(join(dir, 'vendor'))).toBe('0x8086');
    expect(readAttr(join(dir, 'big'))).toHaveLength(10_003);
    expect(encodeLossless(readAttr(join(dir, 'latin1'))!)).toEqual(files.latin1!.subarray(0, 6));
    // One after the other: the shared buffer never leaks the previous file's bytes.
    expect(readAttr(join(dir, 'page'))).toHaveLength(4096);
    expect(readAttr(join(dir, 'vendor'))).toBe('0x8086');
  });

  it('is null for a missing file or a folder, like readTrimmed', () => {
    mkdirSync(join(dir, 'folder'));
    expect(readAttr(join(dir, 'missing'))).toBeNull();
    expect(readAttr(join(dir, 'folder'))).toBeNull();
    expect(readTrimmed(join(dir, 'folder'))).toBeNull();
  });
});

describe('linkTarget', () => {
  it("follows sys/class/net/X/device, relative to a folder that is itself a link, to the PCI function's folder; null when dangling", () => {
    const pci = join(dir, 'devices/pci0000:00/0000:00:1c.0/0000:03:00.0');
    mkdirSync(join(pci, 'net/enp3s0f0'), { recursive: true });
    mkdirSync(join(pci, 'net/enp3s0f1'), { recursive: true });
    mkdirSync(join(dir, 'class/net'), { recursive: true });
    symlinkSync('../../devices/pci0000:00/0000:00:1c.0/0000:03:00.0/net/enp3s0f0', join(dir, 'class/net/enp3s0f0'));
    symlinkSync('../../../0000:03:00.0', join(pci, 'net/enp3s0f0/device')); // as the kernel has it
    symlinkSync('../../devices/pci0000:00/0000:00:1c.0/0000:03:00.0/net/enp3s0f1', join(dir, 'class/net/enp3s0f1'));
    symlinkSync('../..', join(pci, 'net/enp3s0f1/device')); // as the fixture trees have it
    const device = (nic: string) => linkTarget(join(linkTarget(join(dir, 'class/net', nic))!, 'device'));
    expect(device('enp3s0f0')).toBe(pci);
    expect(device('enp3s0f1')).toBe(pci);
    symlinkSync('../../devices/gone', join(dir, 'class/net/eth9'));
    expect(device('eth9')).toBeNull();
    expect(linkTarget(join(pci, 'net'))).toBeNull(); // a folder, not a link
  });
});
