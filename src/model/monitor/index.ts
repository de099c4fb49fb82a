// The monitor model: targets from the snapshot, samples to rows and alerts, and their words.
export * from './types.ts';
export { buildTargets } from './targets.ts';
export { parseIpLinkVfs, parseIpLinks, emptyCounters } from './ip-link.ts';
export { advanceMonitor, initialMonitor, HISTORY } from './advance.ts';
export { sparkline } from './sparkline.ts';
export * from './format.ts';
export { monitorJson, type MonitorJson, type MonitorJsonInterface } from './json.ts';
