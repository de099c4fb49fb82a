// A two-node cluster (pve1, pve2) seen from pve1: the guide's server plus corosync.conf and the
// membership, and pve2's PCI devices as `pvesh get /nodes/pve2/hardware/pci` returns them
// (recorded shape: addresses, 0x-prefixed ids, iommugroup). pve2 has an X710 with four VFs of
// the same kind as pve1's, an identical I350, and a different GPU; pci.cfg has the guide's
// hand-made x710-vf mapping (pve1 only) and a gpu mapping whose pve2 entry names a card pve2
// does not have (so it resolves on pve1 and not on pve2). pve2's VM 201 uses x710-vf too.
import { guideHost } from './guide-host.ts';
import type { HostSpec } from '../host/host-tree.ts';

const dev = (
  id: string,
  cls: string,
  vendor: string,
  device: string,
  sub: [string, string],
  group: number,
  vendorName: string,
  deviceName: string,
) => ({
  id,
  class: `0x${cls}`,
  vendor: `0x${vendor}`,
  device: `0x${device}`,
  subsystem_vendor: `0x${sub[0]}`,
  subsystem_device: `0x${sub[1]}`,
  iommugroup: group,
  vendor_name: vendorName,
  device_name: deviceName,
  mdev: false,
});

export const pve2Devices = [
  dev('0000:00:00.0', '060000', '8086', '09a2', ['8086', '0000'], 0, 'Intel Corporation', 'Ice Lake Memory Map/VT-d'),
  dev(
    '0000:21:00.0',
    '020000',
    '8086',
    '1521',
    ['8086', '0001'],
    30,
    'Intel Corporation',
    'I350 Gigabit Network Connection',
  ),
  dev(
    '0000:21:00.1',
    '020000',
    '8086',
    '1521',
    ['8086', '0001'],
    31,
    'Intel Corporation',
    'I350 Gigabit Network Connection',
  ),
  dev(
    '0000:41:00.0',
    '020000',
    '8086',
    '1572',
    ['8086', '0000'],
    40,
    'Intel Corporation',
    'Ethernet Controller X710 for 10GbE SFP+',
  ),
  dev(
    '0000:41:02.0',
    '020000',
    '8086',
    '154c',
    ['8086', '0000'],
    50,
    'Intel Corporation',
    'Ethernet Virtual Function 700 Series',
  ),
  dev(
    '0000:41:02.1',
    '020000',
    '8086',
    '154c',
    ['8086', '0000'],
    51,
    'Intel Corporation',
    'Ethernet Virtual Function 700 Series',
  ),
  dev(
    '0000:41:02.2',
    '020000',
    '8086',
    '154c',
    ['8086', '0000'],
    52,
    'Intel Corporation',
    'Ethernet Virtual Function 700 Series',
  ),
  dev(
    '0000:41:02.3',
    '020000',
    '8086',
    '154c',
    ['8086', '0000'],
    53,
    'Intel Corporation',
    'Ethernet Virtual Function 700 Series',
  ),
  dev(
    '0000:65:00.0',
    '030000',
    '10de',
    '1c82',
    ['1458', '3fbc'],
    60,
    'NVIDIA Corporation',
    'GP107 [GeForce GTX 1050 Ti]',
  ),
  dev(
    '0000:65:00.1',
    '040300',
    '10de',
    '0fb9',
    ['1458', '3fbc'],
    60,
    'NVIDIA Corporation',
    'GP107GL High Definition Audio Controller',
  ),
];

const COROSYNC = `logging {
  debug: off
  to_syslog: yes
}

nodelist {
  node {
    name: pve1
    nodeid: 1
    quorum_votes: 1
    ring0_addr: 192.168.1.10
  }
  node {
    name: pve2
    nodeid: 2
    quorum_votes: 1
    ring0_addr: 192.168.1.11
  }
}

quorum {
  provider: corosync_votequorum
  two_node: 1
}

totem {
  cluster_name: lab
  config_version: 2
  interface {
    linknumber: 0
  }
  ip_version: ipv4-6
  link_mode: passive
  secauth: on
  version: 2
}
`;

const MEMBERS = `{
"nodename": "pve1",
"version": 6,
"cluster": { "name": "lab", "version": 2, "nodes": 2, "quorate": 1 },
"nodelist": {
  "pve1": { "id": 1, "online": 1, "ip": "192.168.1.10"},
  "pve2": { "id": 2, "online": 1, "ip": "192.168.1.11"}
  }
}
`;

export const clusterHost: HostSpec = {
  ...guideHost,
  files: {
    ...guideHost.files,
    'etc/pve/corosync.conf': COROSYNC,
    'etc/pve/.members': MEMBERS,
    // pve2's VM using the hand-made mapping (as pmxcfs replicates it to pve1).
    'etc/pve/nodes/pve2/qemu-server/201.conf':
      'cores: 2\nhostpci0: mapping=x710-vf,pcie=1\nmachine: q35\nmemory: 2048\nname: backup2\nostype: l26\n',
    'etc/pve/mapping/pci.cfg':
      'x710-vf\n\tdescription X710 virtual functions for backup VMs\n\tmap id=8086:154c,iommugroup=41,node=pve1,path=0000:04:02.1\n\n' +
      'gpu\n\tmap id=10de:1b80,iommugroup=19,node=pve1,path=0000:07:00.0,subsystem-id=1458:3702\n\tmap id=10de:1b80,iommugroup=60,node=pve2,path=0000:65:00.0,subsystem-id=1458:3702\n\n',
  },
  commands: {
    ...guideHost.commands,
    // host/cluster.ts hardwarePciArgv('pve2'), joined by spaces (its empty blacklist: two spaces).
    'pvesh get /nodes/pve2/hardware/pci --pci-class-blacklist  --output-format json': {
      stdout: `${JSON.stringify(pve2Devices)}\n`,
    },
  },
};
