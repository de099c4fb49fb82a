// Paths inside --root resolved the way a chroot would resolve them, so that nothing the program
// writes or restores can land outside the root: an absolute link target starts at the root (on
// a mounted node image `/etc/x` means the image's /etc/x, never the live host's), and a
// relative link whose `..` climbs above the root is refused before anything is written. Links
// inside the root are followed: the file behind them is written and the link is kept.
import { lstatSync, readlinkSync } from 'node:fs';
import { join } from 'node:path';

export class OutsideRoot extends Error {
  readonly code = 'EXDEV';
}

const MAX_LINKS = 40; // the kernel's own limit (ELOOP)

/** Absolute path of `rel` (relative to root, or absolute meaning "from the root") inside root. */
export function resolveInRoot(root: string, rel: string): string {
  const stack: string[] = [];
  const queue = rel.split('/').filter(Boolean);
  let links = 0;
  let missing = false; // past the first missing component nothing can be a link
  while (queue.length) {
    const c = queue.shift()!;
    if (c === '.') continue;
    if (c === '..') {
      if (!stack.length)
        throw new OutsideRoot(`/${rel} leads out of the root ${root} (through '..'); refusing to write there`);
      stack.pop();
      missing = false;
      continue;
    }
    const here = join(root, ...stack, c);
    if (!missing) {
      let isLink = false;
      try {
        isLink = lstatSync(here).isSymbolicLink();
      } catch {
        missing = true;
      }
      if (isLink) {
        if (++links > MAX_LINKS)
          throw Object.assign(new Error(`/${rel}: too many levels of symbolic links`), { code: 'ELOOP', path: here });
        const target = readlinkSync(here);
        if (target.startsWith('/')) stack.length = 0;
        queue.unshift(...target.split('/').filter(Boolean));
        continue;
      }
    }
    stack.push(c);
  }
  return join(root, ...stack);
}
