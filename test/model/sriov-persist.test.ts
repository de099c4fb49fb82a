import { describe, expect, it } from 'vitest';
import { interfaceUses, parseInterfaces } from '../../src/model/net-interfaces.ts';
import {
  findVfPersistence,
  retireLine,
  shellPersistence,
  udevRulePersistence,
  type PersistPf,
} from '../../src/model/sriov-persist.ts';

const PFS: PersistPf[] = [
  { address: '0000:03:00.0', vendorId: '8086', deviceId: '1521', driver: 'igb', netInterfaces: ['enp3s0f0'] },
  { address: '0000:03:00.1', vendorId: '8086', deviceId: '1521', driver: 'igb', netInterfaces: ['enp3s0f1'] },
  { address: '0000:04:00.0', vendorId: '8086', deviceId: '1572', driver: 'i40e', netInterfaces: ['enp4s0f0'] },
];

describe('udev rules that write a VF count', () => {
  it('matches PFs by address, interface name, driver and ids, globs included', () => {
    expect(
      udevRulePersistence('ACTION=="add", SUBSYSTEM=="pci", KERNEL=="0000:04:00.0", ATTR{sriov_numvfs}="8"', PFS),
    ).toEqual({ count: 8, pfs: ['0000:04:00.0'] });
    expect(
      udevRulePersistence('ACTION=="add", SUBSYSTEM=="net", KERNEL=="enp3s0f*", ATTR{device/sriov_numvfs}="2"', PFS),
    ).toEqual({ count: 2, pfs: ['0000:03:00.0', '0000:03:00.1'] });
    expect(
      udevRulePersistence(
        'ACTION=="add", SUBSYSTEM=="net", ENV{ID_NET_DRIVER}=="igb", ATTR{device/sriov_numvfs}="4"',
        PFS,
      )!.pfs,
    ).toEqual(['0000:03:00.0', '0000:03:00.1']);
    expect(
      udevRulePersistence(
        'ACTION=="add", SUBSYSTEM=="net", DRIVERS=="i40e", KERNELS=="0000:04:00.0", ATTR{device/sriov_numvfs}="4"',
        PFS,
      )!.pfs,
    ).toEqual(['0000:04:00.0']);
    expect(
      udevRulePersistence(
        'ACTION=="add", SUBSYSTEM=="pci", ATTR{vendor}=="0x8086", ATTR{device}=="0x1572", ATTR{sriov_numvfs}="16"',
        PFS,
      ),
    ).toEqual({ count: 16, pfs: ['0000:04:00.0'] });
    expect(
      udevRulePersistence(
        'ACTION=="add", SUBSYSTEM=="net", KERNEL!="enp3s0f0", DRIVERS=="igb", ATTR{device/sriov_numvfs}="1"',
        PFS,
      )!.pfs,
    ).toEqual(['0000:03:00.1']);
  });

  it('ignores comments, other attributes and comparisons of sriov_numvfs', () => {
    expect(udevRulePersistence('# ACTION=="add", KERNEL=="0000:04:00.0", ATTR{sriov_numvfs}="8"', PFS)).toBeNull();
    expect(udevRulePersistence('ACTION=="add", SUBSYSTEM=="net", ATTR{mtu}="9000"', PFS)).toBeNull();
    expect(udevRulePersistence('ACTION=="add", ATTR{sriov_numvfs}=="0", RUN+="/bin/true"', PFS)).toBeNull();
  });
});

describe('shell lines that write a VF count', () => {
  it('by sysfs path, by interface, through $IFACE and through tee', () => {
    expect(
      shellPersistence(
        "ExecStart=/usr/bin/bash -c 'echo 4 > /sys/bus/pci/devices/0000:03:00.0/sriov_numvfs'",
        PFS,
        null,
      ),
    ).toEqual([{ count: 4, pfs: ['0000:03:00.0'] }]);
    expect(shellPersistence('post-up echo 2 > /sys/class/net/enp3s0f1/device/sriov_numvfs', PFS, null)).toEqual([
      { count: 2, pfs: ['0000:03:00.1'] },
    ]);
    expect(shellPersistence('post-up echo 3 > /sys/class/net/$IFACE/device/sriov_numvfs', PFS, 'enp4s0f0')).toEqual([
      { count: 3, pfs: ['0000:04:00.0'] },
    ]);
    expect(
      shellPersistence(
        'ExecStart=/bin/sh -c "echo 7 | tee /sys/devices/pci0000:00/0000:00:01.3/0000:03:00.1/sriov_numvfs"',
        PFS,
        null,
      ),
    ).toEqual([{ count: 7, pfs: ['0000:03:00.1'] }]);
    expect(shellPersistence('post-up echo 2 > /sys/class/net/eth9/device/sriov_numvfs', PFS, null)).toEqual([
      { count: 2, pfs: [] },
    ]);
    expect(shellPersistence('post-up ip link set enp3s0f1 vf 0 mac 02:00:00:00:00:01', PFS, null)).toEqual([]);
  });

  it('finds every writer outside our own rules file, in udev, units and interfaces (pre-up/up/post-up only)', () => {
    const files = {
      'etc/udev/rules.d/70-pve-passthrough-sriov.rules':
        'ACTION=="bind", SUBSYSTEM=="pci", KERNEL=="0000:03:00.0", DRIVER=="igb", ATTR{sriov_numvfs}="4"\n',
      'etc/udev/rules.d/70-sriov.rules':
        '# x\nACTION=="add", SUBSYSTEM=="pci", KERNEL=="0000:04:00.0", ATTR{sriov_numvfs}="8"\n',
      'etc/systemd/system/vfs.service':
        '[Service]\nExecStartPre=/bin/sleep 1\nExecStart=/bin/sh -c "echo 4 > /sys/bus/pci/devices/0000:03:00.0/sriov_numvfs"\n',
      'etc/network/interfaces':
        'iface enp3s0f1 inet manual\n\tpost-up echo 2 > /sys/class/net/$IFACE/device/sriov_numvfs\n# post-up echo 9 > /sys/class/net/enp3s0f1/device/sriov_numvfs\n',
      'etc/modprobe.d/x.conf': 'echo 4 > /sys/bus/pci/devices/0000:03:00.0/sriov_numvfs\n',
    };
    expect(findVfPersistence(files, PFS, 'etc/udev/rules.d/70-pve-passthrough-sriov.rules')).toEqual([
      { kind: 'interfaces', path: 'etc/network/interfaces', line: 2, count: 2, pfs: ['0000:03:00.1'] },
      { kind: 'systemd', path: 'etc/systemd/system/vfs.service', line: 3, count: 4, pfs: ['0000:03:00.0'] },
      { kind: 'udev', path: 'etc/udev/rules.d/70-sriov.rules', line: 2, count: 8, pfs: ['0000:04:00.0'] },
    ]);
  });

  it('retires a line behind a note, keeping its indentation; an already commented line stays', () => {
    expect(retireLine('iface a inet manual\n\tpost-up echo 2 > x/sriov_numvfs\n', 2, 'moved')).toBe(
      'iface a inet manual\n\t# moved\n\t# post-up echo 2 > x/sriov_numvfs\n',
    );
    expect(retireLine('# done\n', 1, 'moved')).toBe('# done\n');
  });
});

describe('what the host has on an interface (etc/network/interfaces)', () => {
  const text =
    'auto lo\niface lo inet loopback\n\niface enp3s16f1 inet manual\n\nauto vmbr1\niface vmbr1 inet static\n\taddress 10.10.0.2/24\n\tbridge-ports enp3s16f1 enp3s16f3\n\niface vmbr1 inet6 static\n\taddress fd00::2/64\n\nauto enp3s16f5\niface enp3s16f5 inet dhcp\n\nauto bond0\niface bond0 inet manual\n\tbond-slaves enp3s16f3 enp3s16f7\n\nauto enp3s16f5.10\niface enp3s16f5.10 inet static\n\taddress 10.30.0.2/24\n';

  it('stanzas with their method and options', () => {
    const s = parseInterfaces(text);
    expect(s.map((x) => `${x.name}:${x.method}`)).toEqual([
      'lo:loopback',
      'enp3s16f1:manual',
      'vmbr1:static',
      'vmbr1:static',
      'enp3s16f5:dhcp',
      'bond0:manual',
      'enp3s16f5.10:static',
    ]);
    expect(s[2]!.options).toEqual([
      { key: 'address', value: '10.10.0.2/24', line: 8 },
      { key: 'bridge-ports', value: 'enp3s16f1 enp3s16f3', line: 9 },
    ]);
  });

  it("bridge ports with every address of the bridge, bond slaves, VLANs, an interface's own dhcp", () => {
    expect(interfaceUses([text], 'enp3s16f1')).toEqual(['port of bridge vmbr1 (10.10.0.2/24, fd00::2/64)']);
    expect(interfaceUses([text], 'enp3s16f3')).toEqual([
      'port of bridge vmbr1 (10.10.0.2/24, fd00::2/64)',
      'slave of bond bond0',
    ]);
    expect(interfaceUses([text], 'enp3s16f5')).toEqual(['dhcp on enp3s16f5', 'VLAN enp3s16f5.10 (10.30.0.2/24)']);
    expect(interfaceUses([text], 'enp9s0')).toEqual([]);
  });
});
