// Questions with buttons: quit with staged changes, a shared group, a host-critical group
// (asked twice, naming what the host loses), and the commit confirmation.
import { Box } from 'ink';
import type { Dialog } from '../../store/app-store.ts';
import type { HostSnapshot, Plan } from '../../model/types.ts';
import { T } from '../Styled.tsx';
import { Buttons, Frame } from './Frame.tsx';

export function QuitDialog({ staged, choice, width }: { staged: number; choice: number; width: number }) {
  return (
    <Frame title="Quit?" width={width} colour="yellow">
      <T wrap="wrap">{`${staged} staged change${staged > 1 ? 's are' : ' is'} not committed and will be lost.`}</T>
      <Buttons labels={['Cancel', 'Quit']} choice={choice} />
    </Frame>
  );
}

export function SharedDialog({ d, width }: { d: Extract<Dialog, { kind: 'shared' }>; width: number }) {
  return (
    <Frame
      title={
        d.isolated ? `IOMMU group ${d.groupId}: other functions of this card` : `IOMMU group ${d.groupId} is shared`
      }
      width={width}
      colour={d.isolated ? 'cyan' : 'yellow'}
    >
      <T wrap="wrap">Proxmox binds every device of a group to vfio-pci when the VM starts, so these go together:</T>
      {d.members.map((a) => (
        <T key={a}>{`  ${a}${a === d.address ? '  (selected)' : ''}`}</T>
      ))}
      <Box flexDirection="column" marginTop={1}>
        {[
          `Stage all ${d.members.length} (recommended)`,
          d.isolated
            ? 'Only this function'
            : 'Only this device (override: no VM can use it until the rest of the group goes too)',
          'Cancel',
        ].map((l, i) => (
          <T key={l} inverse={i === d.choice}>{`${i === d.choice ? '>' : ' '} ${l}`}</T>
        ))}
      </Box>
    </Frame>
  );
}

export function CriticalDialog({ d, width }: { d: Extract<Dialog, { kind: 'critical' }>; width: number }) {
  return (
    <Frame
      title={d.confirmed ? 'Are you sure? Second confirmation' : `IOMMU group ${d.groupId} is host-critical`}
      width={width}
      colour="red"
    >
      <T wrap="wrap">
        {d.confirmed
          ? 'After the reboot / VM start the host will lose:'
          : 'The host needs a device in this group. Reserving it takes from the host:'}
      </T>
      {d.lost.map((l) => (
        <T key={l} c="red" wrap="wrap">{`  - ${l}`}</T>
      ))}
      {d.confirmed && (
        <T wrap="wrap">
          This can cut off the node (no boot disk, no network, no console). Only go on if you know how to recover.
        </T>
      )}
      <Buttons labels={['Cancel', d.confirmed ? 'Yes, override' : 'Stage anyway...']} choice={d.choice} />
    </Frame>
  );
}

export function ConfirmDialog({
  plan,
  choice,
  width,
  demo,
}: {
  plan: Plan;
  choice: number;
  width: number;
  demo: boolean;
}) {
  const commands = plan.steps.filter((s) => s.kind !== 'write').length;
  return (
    <Frame title="Apply these changes?" width={width} colour="yellow">
      <T>{`${plan.edits.length} file(s) changed, ${commands} command/sysfs step(s), backups first.`}</T>
      <T c={plan.rebootRequired ? 'yellow' : 'green'} wrap="wrap">
        {plan.rebootRequired ? `Reboot needed afterwards: ${plan.rebootReasons.join('; ')}` : 'No reboot needed.'}
      </T>
      {plan.warnings.length > 0 && (
        <T c="yellow">{`${plan.warnings.length} warning(s): review them in the pending pane (p).`}</T>
      )}
      {demo && <T c="cyan">Demo host: this writes only into its temporary copy.</T>}
      {plan.rebootRequired && (
        <T wrap="wrap">
          Trial boot (t): the next boot tries this once; until the node is confirmed healthy the recovery entry
          (passthrough off) is the default.
        </T>
      )}
      <Buttons
        labels={plan.rebootRequired ? ['Cancel', 'Apply', 'Apply + trial boot'] : ['Cancel', 'Apply']}
        choice={choice}
      />
    </Frame>
  );
}

/**
 * At start, when an apply was killed part-way (power cut, kill -9): what it was doing, each step
 * as done / where it stopped / not run, and the way back. Roll back is the first choice: the host
 * may be half-changed, and a new commit is refused until this is resolved.
 */
export function InterruptedDialog({
  info,
  choice,
  width,
  height,
  canRollBack,
}: {
  info: HostSnapshot['interruptedApply'];
  choice: number;
  width: number;
  height: number;
  canRollBack: boolean;
}) {
  if (!info) return null;
  const room = Math.max(1, height - 9);
  const from = Math.max(0, Math.min(info.lastStep - Math.floor(room / 2), info.steps.length - room));
  const shown = info.steps.slice(from, from + room);
  return (
    <Frame title="An apply was interrupted" width={width} colour="red">
      <T wrap="wrap">{`Started ${info.time}: ${info.summary}. It stopped at step ${info.lastStep + 1} of ${info.steps.length}; the host may be half-changed.`}</T>
      <Box flexDirection="column" marginTop={1}>
        {shown.map((text, k) => {
          const i = from + k;
          const mark = i < info.lastStep ? 'done   ' : i === info.lastStep ? 'STOPPED' : 'not run';
          return (
            <T
              key={i}
              c={i === info.lastStep ? 'red' : i < info.lastStep ? 'green' : undefined}
              wrap="wrap"
            >{`${mark} ${i + 1}. ${text}`}</T>
          );
        })}
      </Box>
      <T wrap="wrap">{`Roll back puts every file and VF count back and rebuilds the boot files${canRollBack ? '' : " (here: run 'pve-passthrough rollback')"}.`}</T>
      <T wrap="wrap">New commits are refused until then.</T>
      <Buttons labels={['Roll it back now', 'Later']} choice={choice} />
    </Frame>
  );
}
