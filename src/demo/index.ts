// The built-in demo host: the reference guide's server, plus one VM with some history. Data only:
// the TUI writes it into a fresh temporary folder (host/host-tree.ts writeTempHost), so that
// committing there is safe and visible. Bundle-safe (no files read from test/).
import type { HostSpec } from '../host/host-tree.ts';
import { guideHost, guidePciIds } from './guide-host.ts';

/**
 * The demo only (not the guide fixture): a VM whose GPU was moved to another slot, so the
 * pre-flight checks (!) have something to show, as they would on a node with some history.
 */
const MOVED_CARD_VM =
  'bios: ovmf\ncores: 4\nefidisk0: local-zfs:vm-105-disk-1,efitype=4m,size=1M\nhostpci0: 0000:0a:00,pcie=1\nmachine: q35\nmemory: 8192\nname: jellyfin\nostype: l26\nscsi0: local-zfs:vm-105-disk-0,size=32G\n';

export const demoHost: HostSpec = { ...guideHost, vms: { ...guideHost.vms, 105: MOVED_CARD_VM }, pciIds: guidePciIds };
