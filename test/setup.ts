// Rendering tests must look the same on every machine: force colour on, and make sure a CI
// environment does not switch Ink into its non-interactive (last-frame-only) mode.
process.env.FORCE_COLOR = '1';
delete process.env.CI;
delete process.env.NO_COLOR;
process.env.PVE_PASSTHROUGH_SYSTEM_PCI_IDS = ''; // names only from a root's own pci.ids: the same on every machine
