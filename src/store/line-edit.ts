// One-line text editing with the readline keys operators type without thinking: Ctrl-A/Home,
// Ctrl-E/End, Left/Right, Ctrl-U (delete to the start: the whole line with the cursor at the
// end), Ctrl-K (to the end), Ctrl-W (the word before the cursor), Backspace. Pure.

export interface LineKey {
  input: string;
  ctrl?: boolean;
  meta?: boolean;
  leftArrow?: boolean;
  rightArrow?: boolean;
  home?: boolean;
  end?: boolean;
  backspace?: boolean;
  delete?: boolean;
}

export interface Line {
  text: string;
  cursor: number;
}

/** The line after the key, or null when the key is not an editing key. */
export function editLine(l: Line, k: LineKey): Line | null {
  const { text } = l;
  const cursor = Math.max(0, Math.min(l.cursor, text.length));
  const ctrl = (c: string) => Boolean(k.ctrl) && k.input === c;
  if (k.home || ctrl('a')) return { text, cursor: 0 };
  if (k.end || ctrl('e')) return { text, cursor: text.length };
  if (k.leftArrow || ctrl('b')) return { text, cursor: Math.max(0, cursor - 1) };
  if (k.rightArrow || ctrl('f')) return { text, cursor: Math.min(text.length, cursor + 1) };
  if (ctrl('u')) return { text: text.slice(cursor), cursor: 0 };
  if (ctrl('k')) return { text: text.slice(0, cursor), cursor };
  if (ctrl('w')) {
    // The word before the cursor and the blanks after it, like readline's unix-word-rubout.
    const start = text.slice(0, cursor).replace(/\S*\s*$/, '').length;
    return { text: text.slice(0, start) + text.slice(cursor), cursor: start };
  }
  // Ink reports the Backspace key (DEL, 0x7f) as `delete`; both delete before the cursor.
  if (k.backspace || k.delete || ctrl('h'))
    return cursor ? { text: text.slice(0, cursor - 1) + text.slice(cursor), cursor: cursor - 1 } : { text, cursor };
  if (k.input && !k.ctrl && !k.meta && k.input >= ' ')
    return { text: text.slice(0, cursor) + k.input + text.slice(cursor), cursor: cursor + k.input.length };
  return null;
}
