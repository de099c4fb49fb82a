// pci.cfg as Proxmox's SectionConfig writes it, the pvesh argument arrays, and where a mapping
// resolves: pure functions, checked against hand-written expectations.
import { describe, expect, it } from 'vitest';
import {
  applyMappingCall,
  mapEntryFor,
  parsePveshArgv,
  parseSections,
  printSections,
  pveshArgv,
} from '../../src/model/mapping-config.ts';

const HAND =
  '# written by hand\nx710-vf\n\tdescription X710 VFs\n\tmap id=8086:154c,iommugroup=41,node=pve1,path=0000:04:02.1\n\ngpu\n\tmap id=10de:1b80,node=pve1,path=0000:07:00.0\n\tmdev 1\n';

describe('pci.cfg as Proxmox writes it', () => {
  it('reads sections and prints them in SectionConfig order: map lines first, then the other keys sorted, a blank line after each; comments go', () => {
    const s = parseSections(HAND);
    expect(s.map((x) => x.id)).toEqual(['x710-vf', 'gpu']);
    expect(printSections(s)).toBe(
      'x710-vf\n\tmap id=8086:154c,iommugroup=41,node=pve1,path=0000:04:02.1\n\tdescription X710 VFs\n\n' +
        'gpu\n\tmap id=10de:1b80,node=pve1,path=0000:07:00.0\n\tmdev 1\n\n',
    );
  });

  it('create appends a section; set replaces the whole map list; delete removes the section', () => {
    const created = applyMappingCall(HAND, {
      op: 'create',
      id: 'nic',
      map: ['id=8086:1521,node=pve1,path=0000:03:00.0'],
      description: 'I350',
    });
    expect(created.endsWith('nic\n\tmap id=8086:1521,node=pve1,path=0000:03:00.0\n\tdescription I350\n\n')).toBe(true);
    const set = applyMappingCall(created, { op: 'set', id: 'gpu', map: ['a=1', 'b=2'] });
    expect(set).toContain('gpu\n\tmap a=1\n\tmap b=2\n\tmdev 1\n\n');
    const gone = applyMappingCall(set, { op: 'delete', id: 'gpu' });
    expect(parseSections(gone).map((x) => x.id)).toEqual(['x710-vf', 'nic']);
    // DELETE of a mapping that is not there is no error in Proxmox either.
    expect(applyMappingCall(gone, { op: 'delete', id: 'gpu' })).toBe(gone);
  });

  it('refuses what the API refuses: an id that exists, an id that is no pve-configid, a set of a missing id', () => {
    expect(() => applyMappingCall(HAND, { op: 'create', id: 'gpu', map: ['x'] })).toThrow(/already defined/);
    expect(() => applyMappingCall(HAND, { op: 'create', id: '9lives', map: ['x'] })).toThrow(
      /invalid configuration ID/,
    );
    expect(() => applyMappingCall(HAND, { op: 'set', id: 'nope', map: ['x'] })).toThrow(/does not exist/);
  });

  it('pvesh argv round-trips; map entries carry what assert_valid checks, keys sorted', () => {
    const c = { op: 'create' as const, id: 'nic', map: ['a', 'b'], description: 'two words' };
    expect(pveshArgv(c)).toEqual([
      'pvesh',
      'create',
      '/cluster/mapping/pci',
      '--id',
      'nic',
      '--map',
      'a',
      '--map',
      'b',
      '--description',
      'two words',
    ]);
    expect(parsePveshArgv(pveshArgv(c))).toEqual(c);
    expect(pveshArgv({ op: 'delete', id: 'nic' })).toEqual(['pvesh', 'delete', '/cluster/mapping/pci/nic']);
    expect(parsePveshArgv(['pvesh', 'get', '/nodes/pve2/hardware/pci'])).toBeNull();
    const d = {
      address: '0000:04:02.2',
      vendorId: '8086',
      deviceId: '154c',
      subsystemVendorId: '8086',
      subsystemDeviceId: '0000',
      iommuGroup: 42,
    };
    expect(mapEntryFor(d, 'pve1')).toBe(
      'id=8086:154c,iommugroup=42,node=pve1,path=0000:04:02.2,subsystem-id=8086:0000',
    );
    expect(mapEntryFor({ ...d, subsystemVendorId: null, iommuGroup: null }, 'pve2')).toBe(
      'id=8086:154c,node=pve2,path=0000:04:02.2',
    );
  });
});
