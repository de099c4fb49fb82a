import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  deleteKey,
  firstFreeHostpci,
  getKey,
  hostpciEntries,
  parseHostpci,
  parseVmConf,
  printVmConf,
  sectionsOf,
  setKey,
} from '../../src/model/vmconf.ts';

const CONF = `#Firewall%3A WAN on X710
bios: ovmf
hostpci0: 0000:04:02.0,pcie=1
hostpci2: host=03:00.0;03:00.1,pcie=1,rombar=0
machine: q35
name: fw
future-key: whatever

[PENDING]
hostpci1: mapping=gpu,x-vga=1

[snap1]
hostpci0: 0000:09:00
machine: pc-i440fx-8.1
`;

describe('vmconf', () => {
  it('reads the main section, keeps snapshots and PENDING apart', () => {
    const { doc, notices } = parseVmConf(CONF);
    expect(notices).toEqual([]);
    expect(getKey(doc, 'machine')).toBe('q35');
    expect(getKey(doc, 'machine', 'snap1')).toBe('pc-i440fx-8.1');
    expect(sectionsOf(doc)).toEqual(['PENDING', 'snap1']);
    expect(hostpciEntries(doc).map((h) => h.index)).toEqual([0, 2]);
    expect(hostpciEntries(doc)[1]).toMatchObject({
      hosts: ['03:00.0', '03:00.1'],
      options: { pcie: '1', rombar: '0' },
    });
  });

  it('parses the hostpci grammar: host default key, ; lists, mapping, options', () => {
    expect(parseHostpci(0, '0000:03:00,pcie=1,x-vga=1')).toMatchObject({
      hosts: ['0000:03:00'],
      mapping: null,
      options: { pcie: '1', 'x-vga': '1' },
    });
    expect(parseHostpci(1, 'mapping=x710,pcie=1')).toMatchObject({ hosts: [], mapping: 'x710' });
  });

  it('skips slots used in the main section or PENDING when choosing the first free one', () => {
    expect(firstFreeHostpci(parseVmConf(CONF).doc)).toBe(3);
  });

  it('edits only their own line; snapshots stay byte for byte', () => {
    const { doc } = parseVmConf(CONF);
    const out = printVmConf(setKey(doc, 'hostpci3', '0000:07:00,pcie=1'));
    const diff = out.split('\n').filter((l) => !CONF.split('\n').includes(l));
    expect(diff).toEqual(['hostpci3: 0000:07:00,pcie=1']);
    expect(out.indexOf('hostpci3')).toBeLessThan(out.indexOf('[PENDING]'));
    expect(out.slice(out.indexOf('[snap1]'))).toBe(CONF.slice(CONF.indexOf('[snap1]')));
    expect(printVmConf(deleteKey(doc, 'hostpci2'))).toBe(
      CONF.replace('hostpci2: host=03:00.0;03:00.1,pcie=1,rombar=0\n', ''),
    );
    expect(printVmConf(setKey(doc, 'machine', 'q35'))).toBe(CONF);
  });

  it('creates a PENDING section when a running VM needs one', () => {
    const { doc } = parseVmConf('name: a\nmemory: 1\n');
    expect(printVmConf(setKey(doc, 'hostpci0', '0000:03:00', 'PENDING'))).toBe(
      'name: a\nmemory: 1\n\n[PENDING]\nhostpci0: 0000:03:00\n',
    );
  });

  it('keeps broken lines and says where they are', () => {
    const text = 'name: ok\nthis is not a key line\nmemory: 2\n';
    const { doc, notices } = parseVmConf(text, '101.conf');
    expect(printVmConf(doc)).toBe(text);
    expect(notices).toEqual([{ where: '101.conf:2', message: expect.stringContaining('unreadable line') }]);
    expect(getKey(doc, 'memory')).toBe('2');
  });

  it('round-trips any text exactly (property)', () => {
    const line = fc.oneof(
      fc.string(),
      fc.constantFrom(
        '[PENDING]',
        '[snap]',
        '#comment',
        'hostpci0: 03:00,pcie=1',
        'name: x',
        '',
        '  ',
        'bad line',
        'a:b\r',
      ),
    );
    fc.assert(
      fc.property(fc.array(line), (lines) => {
        const text = lines.join('\n');
        expect(printVmConf(parseVmConf(text).doc)).toBe(text);
      }),
    );
  });

  it('setKey touches exactly one line (property)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.constantFrom('name: x', 'memory: 1', '#c', '', 'junk', 'cores: 2')),
        fc.constantFrom('hostpci0', 'machine', 'name'),
        (lines, key) => {
          const text = `${lines.join('\n')}\n`;
          const before = text.split('\n');
          const after = printVmConf(setKey(parseVmConf(text).doc, key, 'v')).split('\n');
          const removed = before.filter((l, i) => after.indexOf(l) < 0 && before.indexOf(l) === i);
          expect(after.length - before.length).toBeLessThanOrEqual(1);
          expect(removed.every((l) => l.startsWith(`${key}:`))).toBe(true);
        },
      ),
    );
  });
});
