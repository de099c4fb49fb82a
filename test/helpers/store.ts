// A store on a snapshot with a host port that applies nothing: for store-level tests that drive
// actions and keys without rendering (and for the few that render the App over it).
import type { KeyInfo } from '../../src/ui/keymap.ts';
import { createAppStore, type AppStore, type HostPort } from '../../src/store/app-store.ts';
import type { HostSnapshot } from '../../src/model/types.ts';
import { handleKey } from '../../src/ui/input.ts';

export function storeOn(
  snapshot: HostSnapshot,
  o: { columns?: number; rows?: number; apply?: HostPort['apply'] } = {},
): AppStore {
  return createAppStore({
    snapshot,
    size: { columns: o.columns ?? 80, rows: o.rows ?? 24 },
    colour: false,
    ascii: true,
    host: {
      root: '/x',
      fixture: true,
      demo: false,
      apply:
        o.apply ??
        (async () => {
          throw new Error('unused');
        }),
      reread: async () => snapshot,
    },
  });
}

/** Keys as the terminal sends them: a string is typed text, an object a special key. */
export const press = (s: AppStore, ...keys: Array<string | Partial<KeyInfo>>) =>
  keys.forEach((k) => handleKey(s, typeof k === 'string' ? { input: k } : { input: '', ...k }));
