// Two more small hosts for tests: a consumer AMD board whose chipset devices share one big
// group (GRUB, no IOMMU flags yet), and an Intel box with IOMMU off.
import { guidePciIds } from './guide-host.ts';
import type { HostSpec } from '../host/host-tree.ts';

const noPools = { 'zpool status -P': { stdout: 'no pools available\n' }, 'pvs --noheadings -o pv_name,vg_name': { stdout: '' } };

export const consumerHost: HostSpec = {
  hostname: 'desk',
  cpu: 'amd',
  cmdline: 'BOOT_IMAGE=/boot/vmlinuz-6.8.12-4-pve root=/dev/mapper/pve-root ro quiet',
  devices: [
    { addr: '0000:00:00.0', vendor: '1022', device: '1480', cls: '060000', driver: null, group: 0 },
    { addr: '0000:00:01.1', vendor: '1022', device: '1483', cls: '060400', driver: 'pcieport', group: 2 },
    { addr: '0000:01:00.0', vendor: '144d', device: 'a80a', cls: '010802', sub: ['144d', 'a801'], driver: 'nvme', group: 14, parent: '0000:00:01.1', reset: 'flr', link: ['16.0 GT/s PCIe', '4'], disks: ['nvme0n1'] },
    { addr: '0000:00:01.2', vendor: '1022', device: '1483', cls: '060400', driver: 'pcieport', group: 13 },
    { addr: '0000:02:00.0', vendor: '1022', device: '43ee', cls: '0c0330', driver: 'xhci_hcd', group: 13, parent: '0000:00:01.2' },
    { addr: '0000:02:00.1', vendor: '1022', device: '43eb', cls: '010601', driver: 'ahci', group: 13, parent: '0000:00:01.2', disks: ['sda'] },
    { addr: '0000:02:00.2', vendor: '1022', device: '43e9', cls: '060400', driver: 'pcieport', group: 13, parent: '0000:00:01.2' },
    { addr: '0000:03:08.0', vendor: '1022', device: '43ea', cls: '060400', driver: 'pcieport', group: 13, parent: '0000:02:00.2' },
    { addr: '0000:03:09.0', vendor: '1022', device: '43ea', cls: '060400', driver: 'pcieport', group: 13, parent: '0000:02:00.2' },
    { addr: '0000:05:00.0', vendor: '10ec', device: '8168', cls: '020000', sub: ['1043', '8677'], rev: '15', driver: 'r8169', group: 13, parent: '0000:03:08.0', net: ['enp5s0'] },
    { addr: '0000:06:00.0', vendor: '10de', device: '1c82', cls: '030000', sub: ['3842', '6251'], rev: 'a1', driver: 'nouveau', group: 13, parent: '0000:03:09.0', reset: 'bus' },
    { addr: '0000:06:00.1', vendor: '10de', device: '0fb9', cls: '040300', sub: ['3842', '6251'], rev: 'a1', driver: 'snd_hda_intel', group: 13, parent: '0000:03:09.0' },
    // Two add-in cards behind one chipset switch port: a group shared by unrelated devices.
    { addr: '0000:00:01.3', vendor: '1022', device: '1483', cls: '060400', driver: 'pcieport', group: 21 },
    { addr: '0000:07:00.0', vendor: '8086', device: '2723', cls: '028000', sub: ['8086', '0084'], rev: '1a', driver: 'iwlwifi', group: 21, parent: '0000:00:01.3', net: ['wlp7s0'] },
    { addr: '0000:08:00.0', vendor: '1b21', device: '2142', cls: '0c0330', sub: ['1043', '8756'], driver: 'xhci_hcd', group: 21, parent: '0000:00:01.3' },
    { addr: '0000:00:03.1', vendor: '1022', device: '1483', cls: '060400', driver: 'pcieport', group: 20 },
    { addr: '0000:0a:00.0', vendor: '1002', device: '73bf', cls: '030000', sub: ['1002', '0e3a'], rev: 'c1', driver: 'amdgpu', group: 20, parent: '0000:00:03.1', bootVga: true, reset: 'bus', link: ['16.0 GT/s PCIe', '16'] },
    { addr: '0000:0a:00.1', vendor: '1002', device: 'ab28', cls: '040300', sub: ['1002', 'ab28'], driver: 'snd_hda_intel', group: 20, parent: '0000:00:03.1' },
  ],
  // AMD-Vi on by default (no flag on the command line): the IVRS table and the unit ivhd0.
  iommuUnit: { name: 'ivhd0' },
  files: {
    'sys/firmware/acpi/tables/IVRS': 'IVRS\x30\x00\x00\x00\x02\x5cALASKAA M I ',
    'etc/default/grub': '# If you change this file, run \'update-grub\' afterwards to update\n# /boot/grub/grub.cfg.\n\nGRUB_DEFAULT=0\nGRUB_TIMEOUT=5\nGRUB_DISTRIBUTOR="Proxmox VE"\nGRUB_CMDLINE_LINUX_DEFAULT="quiet"\nGRUB_CMDLINE_LINUX=""\n',
    'etc/modules': '# /etc/modules: kernel modules to load at boot time.\n',
    'etc/network/interfaces': 'auto lo\niface lo inet loopback\n\niface enp5s0 inet manual\n\nauto vmbr0\niface vmbr0 inet static\n\taddress 10.0.0.5/24\n\tgateway 10.0.0.1\n\tbridge-ports enp5s0\n\tbridge-stp off\n\tbridge-fd 0\n',
    'proc/mounts': '/dev/mapper/pve-root / ext4 rw,relatime 0 0\n/dev/nvme0n1p2 /boot/efi vfat rw 0 0\n',
    'proc/swaps': 'Filename\t\t\t\tType\t\tSize\t\tUsed\t\tPriority\n/dev/dm-0                               partition\t8388604\t\t0\t\t-2\n',
  },
  vms: {
    200: 'bios: ovmf\ncores: 8\nefidisk0: local-lvm:vm-200-disk-1,efitype=4m,size=4M\nhostpci0: 06:00,pcie=1,x-vga=1\nmachine: q35\nmemory: 16384\nname: gaming\nostype: win11\nscsi0: local-lvm:vm-200-disk-0,size=200G\n',
    201: 'cores: 2\nmemory: 2048\nname: pihole\nostype: l26\nscsi0: local-lvm:vm-201-disk-0,size=8G\n',
  },
  running: [],
  commands: { ...noPools, 'pvs --noheadings -o pv_name,vg_name': { stdout: '  /dev/nvme0n1p3 pve\n' }, dmesg: { stdout: '[    0.400000] AMD-Vi: Interrupt remapping enabled\n' } },
  pciIds: guidePciIds,
};

export const iommuOffHost: HostSpec = {
  hostname: 'old',
  cpu: 'intel',
  cmdline: 'BOOT_IMAGE=/boot/vmlinuz-6.8.12-4-pve root=/dev/mapper/pve-root ro quiet',
  devices: [
    { addr: '0000:00:00.0', vendor: '8086', device: '3e30', cls: '060000', driver: null },
    { addr: '0000:00:17.0', vendor: '8086', device: 'a352', cls: '010601', driver: 'ahci', disks: ['sda'] },
    { addr: '0000:00:1f.6', vendor: '8086', device: '15bb', cls: '020000', driver: 'e1000e', net: ['eno1'] },
    { addr: '0000:03:00.0', vendor: '8086', device: '1521', cls: '020000', sub: ['8086', '0001'], rev: '01', driver: 'igb', net: ['enp3s0f0'] },
    { addr: '0000:03:00.1', vendor: '8086', device: '1521', cls: '020000', sub: ['8086', '0001'], rev: '01', driver: 'igb', net: ['enp3s0f1'] },
  ],
  // VT-d enabled in the firmware (DMAR table) but not by this kernel: no unit in sys/class/iommu.
  files: {
    'sys/firmware/acpi/tables/DMAR': 'DMAR\x50\x00\x00\x00\x01\x3fINTEL ',
    'etc/default/grub': 'GRUB_DEFAULT=0\nGRUB_TIMEOUT=5\nGRUB_CMDLINE_LINUX_DEFAULT="quiet"\nGRUB_CMDLINE_LINUX=""\n',
    'etc/network/interfaces': 'auto lo\niface lo inet loopback\n\nauto vmbr0\niface vmbr0 inet static\n\taddress 192.168.5.2/24\n\tbridge-ports eno1\n',
    'proc/mounts': '/dev/mapper/pve-root / ext4 rw 0 0\n',
  },
  vms: { 300: 'cores: 2\nhostpci0: 03:00.0\nmemory: 2048\nname: router\n' },
  running: [],
  commands: { ...noPools, 'pvs --noheadings -o pv_name,vg_name': { stdout: '  /dev/sda3 pve\n' }, dmesg: { stdout: '[    0.000000] DMAR: IOMMU disabled\n' } },
  pciIds: guidePciIds,
};
