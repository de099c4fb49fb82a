// The host of the reference guide, as a spec: a Xeon server with a dual-port I350 alone in its
// group (plus an identical second I350), an LSI SAS3008 HBA already reserved by id and passed
// to TrueNAS, an X710 with 4 live VFs, a boot NVMe in rpool, the management NIC in the chipset
// group, the BMC's VGA as console, and a GPU. It is both test/fixtures/guide and the demo host.
import type { HostSpec } from '../host/host-tree.ts';

/** `ip -s -d -j link show enp4s0f0` as iproute2 6.x prints it for the X710 port with live VFs. */
const X710_LINK_STATS =
  '[{"ifindex":5,"ifname":"enp4s0f0","flags":["BROADCAST","MULTICAST","UP","LOWER_UP"],"mtu":1500,"qdisc":"mq","operstate":"UP","linkmode":"DEFAULT","group":"default","txqlen":1000,"link_type":"ether","address":"02:00:00:00:00:01","broadcast":"ff:ff:ff:ff:ff:ff","promiscuity":0,"allmulti":0,"min_mtu":68,"max_mtu":9702,"inet6_addr_gen_mode":"eui64","num_tx_queues":64,"num_rx_queues":64,"gso_max_size":65536,"gso_max_segs":65535,"parentbus":"pci","parentdev":"0000:04:00.0","vfinfo_list":[{"vf":0,"link_type":"ether","address":"bc:24:11:00:01:10","broadcast":"ff:ff:ff:ff:ff:ff","vlan_list":[{"vlan":10}],"rate":{"max_tx":0,"min_tx":0},"spoofchk":true,"link_state":"auto","trust":false,"query_rss_en":false,"stats":{"rx":{"bytes":0,"packets":0,"multicast":0,"broadcast":0,"dropped":0},"tx":{"bytes":0,"packets":0,"dropped":0}}},{"vf":1,"link_type":"ether","address":"00:00:00:00:00:00","broadcast":"ff:ff:ff:ff:ff:ff","rate":{"max_tx":0,"min_tx":0},"spoofchk":true,"link_state":"auto","trust":false,"query_rss_en":false,"stats":{"rx":{"bytes":0,"packets":0,"multicast":0,"broadcast":0,"dropped":0},"tx":{"bytes":0,"packets":0,"dropped":0}}},{"vf":2,"link_type":"ether","address":"00:00:00:00:00:00","broadcast":"ff:ff:ff:ff:ff:ff","rate":{"max_tx":0,"min_tx":0},"spoofchk":true,"link_state":"auto","trust":false,"query_rss_en":false,"stats":{"rx":{"bytes":0,"packets":0,"multicast":0,"broadcast":0,"dropped":0},"tx":{"bytes":0,"packets":0,"dropped":0}}},{"vf":3,"link_type":"ether","address":"00:00:00:00:00:00","broadcast":"ff:ff:ff:ff:ff:ff","rate":{"max_tx":0,"min_tx":0},"spoofchk":true,"link_state":"auto","trust":false,"query_rss_en":false,"stats":{"rx":{"bytes":0,"packets":0,"multicast":0,"broadcast":0,"dropped":0},"tx":{"bytes":0,"packets":0,"dropped":0}}}],"stats64":{"rx":{"bytes":0,"packets":0,"errors":0,"dropped":0,"over_errors":0,"multicast":0},"tx":{"bytes":0,"packets":0,"errors":0,"dropped":0,"carrier_errors":0,"collisions":0}}}]\n';

/**
 * The same answer as `ip -d -j link show` (no -s) prints it: without the counters, with the
 * port's MAC as sys/class/net has it.
 */
function withoutStats(json: string, mac: string): string {
  const links = JSON.parse(json) as Array<Record<string, unknown>>;
  for (const l of links) {
    delete l.stats64;
    l.address = mac;
    for (const vf of (l.vfinfo_list ?? []) as Array<Record<string, unknown>>) delete vf.stats;
  }
  return `${JSON.stringify(links)}\n`;
}

export const guideHost: HostSpec = {
  hostname: 'pve1',
  cpu: 'intel',
  cmdline: 'BOOT_IMAGE=/boot/vmlinuz-6.8.12-4-pve root=ZFS=rpool/ROOT/pve-1 ro boot=zfs quiet intel_iommu=on iommu=pt',
  devices: [
    {
      addr: '0000:00:00.0',
      vendor: '8086',
      device: '3e30',
      cls: '060000',
      sub: ['15d9', '1b60'],
      rev: '0d',
      driver: 'skl_uncore',
      group: 0,
    },
    { addr: '0000:00:01.0', vendor: '8086', device: '1901', cls: '060400', rev: '0d', driver: 'pcieport', group: 1 },
    {
      addr: '0000:01:00.0',
      vendor: '1000',
      device: '0097',
      cls: '010700',
      sub: ['1000', '30e0'],
      rev: '02',
      driver: 'vfio-pci',
      group: 1,
      parent: '0000:00:01.0',
      numa: 0,
      reset: 'flr bus',
      link: ['8.0 GT/s PCIe', '8'],
      disks: ['sdb', 'sdc'],
    },
    { addr: '0000:00:01.1', vendor: '8086', device: '1905', cls: '060400', rev: '0d', driver: 'pcieport', group: 2 },
    {
      addr: '0000:00:14.0',
      vendor: '8086',
      device: 'a36d',
      cls: '0c0330',
      sub: ['15d9', '1b60'],
      rev: '10',
      driver: 'xhci_hcd',
      group: 5,
    },
    {
      addr: '0000:00:14.2',
      vendor: '8086',
      device: 'a36f',
      cls: '050000',
      sub: ['15d9', '1b60'],
      rev: '10',
      driver: null,
      group: 5,
    },
    { addr: '0000:00:1c.0', vendor: '8086', device: 'a338', cls: '060400', rev: 'f0', driver: 'pcieport', group: 7 },
    {
      addr: '0000:05:00.0',
      vendor: '1a03',
      device: '2000',
      cls: '030000',
      sub: ['15d9', '1b60'],
      rev: '41',
      driver: 'ast',
      group: 7,
      parent: '0000:00:1c.0',
      bootVga: true,
      reset: 'bus',
    },
    {
      addr: '0000:00:1f.0',
      vendor: '8086',
      device: 'a30e',
      cls: '060100',
      sub: ['15d9', '1b60'],
      rev: '10',
      driver: null,
      group: 9,
    },
    {
      addr: '0000:00:1f.4',
      vendor: '8086',
      device: 'a323',
      cls: '0c0500',
      sub: ['15d9', '1b60'],
      rev: '10',
      driver: 'i801_smbus',
      group: 9,
    },
    {
      addr: '0000:00:1f.5',
      vendor: '8086',
      device: 'a324',
      cls: '0c8000',
      sub: ['15d9', '1b60'],
      rev: '10',
      driver: 'intel-spi',
      group: 9,
    },
    {
      addr: '0000:00:1f.6',
      vendor: '8086',
      device: '15bb',
      cls: '020000',
      sub: ['15d9', '15bb'],
      rev: '10',
      driver: 'e1000e',
      group: 9,
      net: ['eno1'],
    },
    {
      addr: '0000:03:00.0',
      vendor: '8086',
      device: '1521',
      cls: '020000',
      sub: ['8086', '0001'],
      rev: '01',
      driver: 'igb',
      group: 14,
      parent: '0000:00:01.1',
      numa: 0,
      reset: 'flr bus',
      link: ['5.0 GT/s PCIe', '4'],
      net: ['enp3s0f0'],
    },
    {
      addr: '0000:03:00.1',
      vendor: '8086',
      device: '1521',
      cls: '020000',
      sub: ['8086', '0001'],
      rev: '01',
      driver: 'igb',
      group: 14,
      parent: '0000:00:01.1',
      numa: 0,
      reset: 'flr',
      link: ['5.0 GT/s PCIe', '4'],
      net: ['enp3s0f1'],
    },
    { addr: '0000:00:02.0', vendor: '8086', device: '1909', cls: '060400', rev: '0d', driver: 'pcieport', group: 3 },
    {
      addr: '0000:04:00.0',
      vendor: '8086',
      device: '1572',
      cls: '020000',
      sub: ['8086', '0000'],
      rev: '02',
      driver: 'i40e',
      group: 15,
      parent: '0000:00:02.0',
      numa: 0,
      reset: 'flr bus',
      link: ['8.0 GT/s PCIe', '8'],
      net: ['enp4s0f0'],
      speed: 10000,
      sriov: { total: 32, num: 4, vfDevice: '154c', vfDriver: 'vfio-pci', firstGroup: 40 },
    },
    {
      addr: '0000:04:00.1',
      vendor: '8086',
      device: '1572',
      cls: '020000',
      sub: ['8086', '0000'],
      rev: '02',
      driver: 'i40e',
      group: 15,
      parent: '0000:00:02.0',
      numa: 0,
      reset: 'flr',
      link: ['8.0 GT/s PCIe', '8'],
      net: ['enp4s0f1'],
      speed: 10000,
      sriov: { total: 32, num: 0, vfDevice: '154c', offset: 0x4f, firstGroup: 60 },
    },
    { addr: '0000:00:1d.0', vendor: '8086', device: 'a330', cls: '060400', rev: 'f0', driver: 'pcieport', group: 8 },
    {
      addr: '0000:06:00.0',
      vendor: '144d',
      device: 'a808',
      cls: '010802',
      sub: ['144d', 'a801'],
      rev: '00',
      driver: 'nvme',
      group: 18,
      parent: '0000:00:1d.0',
      numa: 0,
      reset: 'flr',
      link: ['8.0 GT/s PCIe', '4'],
      disks: ['nvme0n1'],
    },
    { addr: '0000:00:1b.0', vendor: '8086', device: 'a340', cls: '060400', rev: 'f0', driver: 'pcieport', group: 10 },
    {
      addr: '0000:07:00.0',
      vendor: '10de',
      device: '1b80',
      cls: '030000',
      sub: ['1458', '3702'],
      rev: 'a1',
      driver: 'nouveau',
      group: 19,
      parent: '0000:00:1b.0',
      numa: 0,
      reset: 'bus',
      link: ['8.0 GT/s PCIe', '16'],
    },
    {
      addr: '0000:07:00.1',
      vendor: '10de',
      device: '10f0',
      cls: '040300',
      sub: ['1458', '3702'],
      rev: 'a1',
      driver: 'snd_hda_intel',
      group: 19,
      parent: '0000:00:1b.0',
      numa: 0,
      reset: 'bus',
    },
    { addr: '0000:00:1b.4', vendor: '8086', device: 'a32c', cls: '060400', rev: 'f0', driver: 'pcieport', group: 11 },
    {
      addr: '0000:08:00.0',
      vendor: '8086',
      device: '1521',
      cls: '020000',
      sub: ['8086', '0001'],
      rev: '01',
      driver: 'igb',
      group: 20,
      parent: '0000:00:1b.4',
      numa: 0,
      reset: 'flr bus',
      link: ['5.0 GT/s PCIe', '4'],
      net: ['enp8s0f0'],
    },
    {
      addr: '0000:08:00.1',
      vendor: '8086',
      device: '1521',
      cls: '020000',
      sub: ['8086', '0001'],
      rev: '01',
      driver: 'igb',
      group: 20,
      parent: '0000:00:1b.4',
      numa: 0,
      reset: 'flr',
      link: ['5.0 GT/s PCIe', '4'],
      net: ['enp8s0f1'],
    },
  ],
  // VT-d on: the firmware's DMAR table, the kernel's unit dmar0.
  iommuUnit: { name: 'dmar0' },
  files: {
    // The DMAR ACPI table starts with its signature; a few bytes of header are enough here.
    'sys/firmware/acpi/tables/DMAR': 'DMAR\x50\x00\x00\x00\x01\x3fSUPERMX',
    'etc/kernel/cmdline': 'root=ZFS=rpool/ROOT/pve-1 boot=zfs quiet intel_iommu=on iommu=pt\n',
    'etc/kernel/proxmox-boot-uuids': '4A1B-2C3D\n',
    'etc/modules-load.d/vfio.conf': 'vfio\nvfio_iommu_type1\nvfio_pci\n',
    'etc/modprobe.d/vfio.conf':
      '# HBA for TrueNAS (VM 101)\noptions vfio-pci ids=1000:0097\nsoftdep mpt3sas pre: vfio-pci\n',
    'etc/modprobe.d/pve-blacklist.conf':
      '# This file contains a list of modules which are not supported by Proxmox VE\n\n# nvidiafb see bugreport https://bugzilla.proxmox.com/show_bug.cgi?id=701\nblacklist nvidiafb\n',
    'etc/network/interfaces':
      'auto lo\niface lo inet loopback\n\niface eno1 inet manual\n\nauto vmbr0\niface vmbr0 inet static\n\taddress 192.168.1.10/24\n\tgateway 192.168.1.1\n\tbridge-ports eno1\n\tbridge-stp off\n\tbridge-fd 0\n\niface enp3s0f0 inet manual\niface enp3s0f1 inet manual\n',
    'etc/pve/mapping/pci.cfg':
      'x710-vf\n\tdescription X710 virtual functions for backup VMs\n\tmap id=8086:154c,iommugroup=41,node=pve1,path=0000:04:02.1\n',
    'proc/mounts':
      'rpool/ROOT/pve-1 / zfs rw,relatime,xattr,noacl 0 0\n/dev/nvme0n1p2 /boot/efi vfat rw,relatime 0 0\nproc /proc proc rw,nosuid,nodev,noexec,relatime 0 0\n/dev/fuse /etc/pve fuse rw,nosuid,nodev,relatime 0 0\n',
    'proc/swaps': 'Filename\t\t\t\tType\t\tSize\t\tUsed\t\tPriority\n',
  },
  vms: {
    100: '#OPNsense firewall%3A WAN on an X710 VF\nboot: order=scsi0\ncores: 4\nhostpci0: 0000:04:02.0,pcie=1\nmachine: q35\nmemory: 4096\nname: opnsense\nnet0: virtio=BC:24:11:00:01:00,bridge=vmbr0\nonboot: 1\nostype: other\nscsi0: local-zfs:vm-100-disk-0,size=32G\nscsihw: virtio-scsi-single\nbios: ovmf\nefidisk0: local-zfs:vm-100-disk-1,efitype=4m,size=1M\n',
    101: 'bios: ovmf\nboot: order=scsi0\ncores: 8\nefidisk0: local-zfs:vm-101-disk-1,efitype=4m,size=1M\nhostpci0: 0000:01:00.0,pcie=1\nmachine: q35\nmemory: 32768\nname: truenas\nnet0: virtio=BC:24:11:00:01:01,bridge=vmbr0\nonboot: 1\nostype: l26\nscsi0: local-zfs:vm-101-disk-0,size=32G\n',
    102: 'boot: order=ide0\ncores: 8\nide0: local-zfs:vm-102-disk-0,size=128G\nmachine: pc-i440fx-8.1\nmemory: 16384\nname: win11-gaming\nnet0: e1000=BC:24:11:00:01:02,bridge=vmbr0\nostype: win11\n',
    103: 'bios: ovmf\ncores: 4\nmachine: q35\nmemory: 8192\nname: docker-host\nnet0: virtio=BC:24:11:00:01:03,bridge=vmbr0\nostype: l26\nparent: before-upgrade\nscsi0: local-zfs:vm-103-disk-0,size=64G\nfuture-option: kept as is\n\n[PENDING]\nmemory: 12288\n\n[before-upgrade]\ncores: 2\nmachine: q35\nmemory: 8192\nname: docker-host\nscsi0: local-zfs:vm-103-disk-0,size=64G\nsnaptime: 1732400000\n',
    104: 'cores: 2\nhostpci0: mapping=x710-vf\nmachine: q35\nmemory: 2048\nname: backup\nostype: l26\nscsi0: local-zfs:vm-104-disk-0,size=16G\n',
  },
  running: [100, 101],
  commands: {
    'zpool status -P': {
      stdout:
        '  pool: rpool\n state: ONLINE\nconfig:\n\n\tNAME                STATE     READ WRITE CKSUM\n\trpool               ONLINE       0     0     0\n\t  /dev/nvme0n1p3    ONLINE       0     0     0\n\nerrors: No known data errors\n',
    },
    'pvs --noheadings -o pv_name,vg_name': { stdout: '' },
    // iproute2 6.x on the X710 port with live VFs (the monitor's per-VF settings and counters).
    'ip -s -d -j link show enp4s0f0': { stdout: X710_LINK_STATS },
    // The same port without -s (the VF settings reader): iproute2 prints no counters then.
    'ip -d -j link show enp4s0f0': { stdout: withoutStats(X710_LINK_STATS, '02:aa:81:0e:67:bb') },
    // The second port has SR-IOV but no VFs: no vfinfo_list at all.
    'ip -d -j link show enp4s0f1': {
      stdout:
        '[{"ifindex":6,"ifname":"enp4s0f1","flags":["BROADCAST","MULTICAST"],"mtu":1500,"qdisc":"mq","operstate":"DOWN","linkmode":"DEFAULT","group":"default","txqlen":1000,"link_type":"ether","address":"02:aa:80:0e:66:28","broadcast":"ff:ff:ff:ff:ff:ff","promiscuity":0,"allmulti":0,"min_mtu":68,"max_mtu":9702,"num_tx_queues":64,"num_rx_queues":64,"parentbus":"pci","parentdev":"0000:04:00.1"}]\n',
    },
    dmesg: {
      stdout: '[    0.000000] DMAR: IOMMU enabled\n[    0.310000] DMAR-IR: Enabled IRQ remapping in x2apic mode\n',
    },
  },
};

/** pci.ids lines for the devices above (the demo must show names without a system pci.ids). */
export const guidePciIds = `1000  Broadcom / LSI
\t0097  SAS3008 PCI-Express Fusion-MPT SAS-3
10de  NVIDIA Corporation
\t10f0  GP104 High Definition Audio Controller
\t1b80  GP104 [GeForce GTX 1080]
\t1c82  GP107 [GeForce GTX 1050 Ti]
\t0fb9  GP107GL High Definition Audio Controller
1002  Advanced Micro Devices, Inc. [AMD/ATI]
\t73bf  Navi 21 [Radeon RX 6800/6800 XT / 6900 XT]
\tab28  Navi 21/23 HDMI/DP Audio Controller
1022  Advanced Micro Devices, Inc. [AMD]
\t1480  Starship/Matisse Root Complex
\t1483  Starship/Matisse GPP Bridge
\t43ee  500 Series Chipset USB 3.1 XHCI Controller
\t43eb  500 Series Chipset SATA Controller
\t43e9  500 Series Chipset Switch Upstream Port
\t43ea  500 Series Chipset Switch Downstream Port
10ec  Realtek Semiconductor Co., Ltd.
\t8168  RTL8111/8168/8211/8411 PCI Express Gigabit Ethernet Controller
144d  Samsung Electronics Co Ltd
\ta808  NVMe SSD Controller SM981/PM981/PM983
\ta80a  NVMe SSD Controller PM9A1/PM9A3/980PRO
15b3  Mellanox Technologies
\t1017  MT27800 Family [ConnectX-5]
\t1018  MT27800 Family [ConnectX-5 Virtual Function]
1b21  ASMedia Technology Inc.
\t2142  ASM2142/ASM3142 USB 3.1 Host Controller
1a03  ASPEED Technology, Inc.
\t2000  ASPEED Graphics Family
8086  Intel Corporation
\t2723  Wi-Fi 6 AX200
\t1521  I350 Gigabit Network Connection
\t1572  Ethernet Controller X710 for 10GbE SFP+
\t154c  Ethernet Virtual Function 700 Series
\t15bb  Ethernet Connection (7) I219-LM
\t1901  6th-10th Gen Core Processor PCIe Controller (x16)
\t1905  Xeon E3-1200 v5/E3-1500 v5/6th Gen Core Processor PCIe Controller (x8)
\t1909  Xeon E3-1200 v5/E3-1500 v5/6th Gen Core Processor PCIe Controller (x4)
\t3e30  8th/9th Gen Core 8-core Desktop Processor Host Bridge/DRAM Registers [Coffee Lake S]
\ta30e  C246 Chipset LPC/eSPI Controller
\ta323  Cannon Lake PCH SMBus Controller
\ta324  Cannon Lake PCH SPI Controller
\ta32c  Cannon Lake PCH PCI Express Root Port #21
\ta330  Cannon Lake PCH PCI Express Root Port #9
\ta338  Cannon Lake PCH PCI Express Root Port #1
\ta340  Cannon Lake PCH PCI Express Root Port #17
\ta352  Cannon Lake PCH SATA AHCI Controller
\ta36d  Cannon Lake PCH USB 3.1 xHCI Host Controller
\ta36f  Cannon Lake PCH Shared SRAM
`;
