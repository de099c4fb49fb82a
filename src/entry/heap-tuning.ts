// V8 heap settings that keep peak RSS under 100 MB on big hosts (figures: npm run bench, 2,000
// functions). Set at run time because `node --flags` cannot be given to a copied bundle or the
// standalone executable; V8 reads both flags whenever it decides to grow, so they still apply.
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

// On import (the bundle entry's first): V8 doubles its young generation, up to 2 x 16 MB, while
// a scan allocates fast and much survives; that only adds RSS here (first frame 101 -> 85 MB).
setFlagsFromString('--semi-space-growth-factor=1');

/**
 * Once the first frame is up: collect the old generation sooner instead of growing it while the
 * operator holds a key down (every frame leaves garbage). With the Ink frame patches in
 * scripts/bundle-options.mjs, 180 cursor moves peak at ~100 MB instead of ~134 MB. Not before
 * the first frame: during the scan it costs ~20 ms.
 */
export function preferSmallHeap(): void {
  setFlagsFromString('--optimize-for-size');
  // One full collection now drops the scan's garbage and sets V8's next limit from what is
  // really live (~15 MB), instead of the high-water mark of the scan.
  setFlagsFromString('--expose-gc');
  (runInNewContext('gc') as () => void)();
}
