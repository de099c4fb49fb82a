// The resource mapping dialog (M): a name (an existing mapping of the device's kind, or a new
// one), where that mapping resolves on each node now, and every device of the same kind on
// each cluster node to tick into it (a pool). Enter stages pvesh create or set; Ctrl-D pvesh delete.
import { MAPPING_NAME_RE } from '../../model/mapping-config.ts';
import { clusterNodes, describeResolution, nodeDevices, resolveMapping } from '../../model/mapping-nodes.ts';
import type { HostSnapshot } from '../../model/types.ts';
import type { Dialog } from '../../store/app-store.ts';
import { candidateEntry, mappingCandidates } from '../../store/mappings.ts';
import { T, fit, wrapText } from '../Styled.tsx';
import { Frame } from './Frame.tsx';

export function MappingDialog({
  d,
  snap,
  width,
  height,
}: {
  d: Extract<Dialog, { kind: 'mapping' }>;
  snap: HostSnapshot;
  width: number;
  height: number;
}) {
  const inner = width - 4;
  const dev = snap.devices.find((x) => x.address === d.address);
  const existing = snap.mappings.find((m) => m.id === d.name);
  const valid = MAPPING_NAME_RE.test(d.name);
  const cands = mappingCandidates(snap, d.address, d.name);
  // Where it resolves, and the map entry of the device under the cursor, wrap: the reason a
  // node refuses the mapping and the entry's subsystem-id are what the operator came to read.
  const status = (existing ? resolveMapping(snap, existing).map(describeResolution) : []).map((s) => ({
    lines: wrapText(`  ${s}`, inner, 4),
    bad: /does NOT|no device|unknown/.test(s),
  }));
  // Nodes whose devices are not known (pvesh still answering, or failed): said, not left out.
  const unknown = clusterNodes(snap)
    .filter((n) => nodeDevices(snap, n) === null)
    .map(
      (n) => `  ${n}: ${snap.cluster?.notices.find((x) => x.where === n)?.message ?? 'its devices could not be read'}`,
    );
  const cur = cands[d.cursor];
  const entry = cur ? wrapText(`map ${candidateEntry(snap, cur)}`, inner, 4) : [' '];
  // Fixed lines: title, name, kind, heading, hint, borders; the rest lists devices.
  const room = Math.max(3, height - 7 - status.reduce((n, s) => n + s.lines.length, 0) - unknown.length - entry.length);
  const top = Math.min(Math.max(0, d.cursor - room + 1), Math.max(0, cands.length - room));
  const shown = cands.slice(top, top + room);
  const ticked = d.picked.filter((k) => !cands.some((c) => c.key === k && c.inMapping)).length;
  return (
    <Frame title={`Resource mapping: ${d.address} ${dev?.name ?? ''}`} width={width}>
      <T>
        {fit(
          `Name: [${d.name}_]  ${!valid ? 'not a valid name (a letter, then a-z 0-9 - _)' : existing ? `existing, ${existing.maps.length} entr${existing.maps.length === 1 ? 'y' : 'ies'}` : 'new mapping'}   Tab: other name`,
          inner,
        )}
      </T>
      {status.flatMap((s, i) =>
        s.lines.map((l, k) => (
          <T key={`${i}.${k}`} c={s.bad ? 'yellow' : 'green'}>
            {l}
          </T>
        )),
      )}
      <T dim>
        {fit(
          `Devices of kind ${dev ? `${dev.vendorId}:${dev.deviceId}` : '?'} on ${[...new Set(cands.map((c) => c.node))].join(', ') || 'no node'} (${ticked} to add):`,
          inner,
        )}
      </T>
      {unknown.map((l) => (
        <T key={l} c="yellow">
          {fit(l, inner)}
        </T>
      ))}
      {shown.map((c, i) => (
        <T key={c.key} inverse={top + i === d.cursor} dim={c.inMapping}>
          {fit(
            `${c.inMapping ? '[=]' : d.picked.includes(c.key) ? '[x]' : '[ ]'} ${c.node.padEnd(6)} ${c.address} ${c.inMapping ? '(in it) ' : ''}${c.name}`,
            inner,
          )}
        </T>
      ))}
      {cands.length > room && <T dim>{fit(`  ${top + 1}-${top + shown.length} of ${cands.length}`, inner)}</T>}
      {entry.map((l, k) => (
        <T key={`e${k}`} dim>
          {l}
        </T>
      ))}
      <T dim>
        {fit(
          existing
            ? 'type a name, ↑↓ space tick, Enter stages, Ctrl-D deletes, Esc cancels'
            : 'type a name, ↑↓ move, space ticks, Enter stages, Esc cancels',
          inner,
        )}
      </T>
    </Frame>
  );
}
