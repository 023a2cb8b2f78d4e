/**
 * A one-line text prompt (@inquirer/core) that draws a paste once, not once per character.
 *
 * @inquirer/prompts' `input` redraws the whole line (wrapping it to the terminal width) on every
 * keypress, so a paste of n characters costs n redraws of up to n characters: 4,000 characters
 * took more than 30 s in a pseudo-terminal. A terminal delivers a paste as a few large chunks,
 * and readline emits one keypress per character of a chunk synchronously; here a keypress only
 * notes the line, and the redraw waits for the end of the chunk (setImmediate). Typing by hand
 * still redraws on every key, as each key is its own chunk.
 *
 * With `mask` it stands in for `password` the same way (each character drawn as the mask).
 *
 * Otherwise it behaves like `input`: the default shows dimmed and is taken on an empty enter (tab
 * puts it on the line to edit, backspace on an empty line drops it), a validation message shows
 * under the line and keeps what was typed.
 */
import {
  createPrompt,
  isBackspaceKey,
  isEnterKey,
  isTabKey,
  makeTheme,
  useKeypress,
  usePrefix,
  useRef,
  useState,
} from '@inquirer/core';

export interface LinePromptConfig {
  readonly message: string;
  readonly default?: string;
  /** Shown once per character instead of the text (secret answers); a secret has no default. */
  readonly mask?: string;
  /** True, or the message to show under the line. */
  readonly validate: (value: string) => string | true;
}

type Status = 'idle' | 'done';

export const linePrompt = createPrompt<string, LinePromptConfig>((config, done) => {
  const theme = makeTheme({});
  const [status, setStatus] = useState<Status>('idle');
  const [defaultValue, setDefaultValue] = useState(config.default ?? '');
  const [error, setError] = useState<string | undefined>(undefined);
  const [value, setValue] = useState('');
  // The line as readline has it now; `value` (what is drawn) catches up at the end of a chunk.
  const live = useRef('');
  const redrawPending = useRef(false);
  const finished = useRef(false);
  // Counts Enters: a redraw scheduled before one (a pasted line ends in Enter) must not wipe its verdict.
  const enters = useRef(0);
  const prefix = usePrefix({ status, theme });

  useKeypress((key, rl) => {
    if (status !== 'idle') return;
    if (isEnterKey(key)) {
      enters.current += 1;
      redrawPending.current = false;
      // readline has already ended the line (rl.line is empty): the answer is what it held.
      const answer = live.current || defaultValue;
      const verdict = config.validate(answer);
      if (verdict === true) {
        live.current = answer;
        finished.current = true;
        setValue(answer);
        setStatus('done');
        done(answer);
      } else {
        // Keep what was typed, so it can be corrected rather than typed again.
        rl.write(live.current);
        setValue(live.current);
        setError(verdict);
      }
      return;
    }
    if (isBackspaceKey(key) && live.current === '' && rl.line === '') {
      setDefaultValue('');
      return;
    }
    if (isTabKey(key) && live.current === '' && defaultValue !== '') {
      rl.clearLine(0); // drop the tab character
      rl.write(defaultValue);
      live.current = defaultValue;
      setDefaultValue('');
      setValue(defaultValue);
      return;
    }
    live.current = rl.line;
    if (redrawPending.current) return;
    redrawPending.current = true;
    const entersBefore = enters.current;
    setImmediate(() => {
      if (enters.current !== entersBefore) return;
      redrawPending.current = false;
      if (finished.current) return;
      setValue(live.current);
      setError(undefined);
    });
  });

  const message = theme.style.message(config.message, status);
  const text = config.mask === undefined ? value : config.mask.repeat(value.length);
  const shown = status === 'done' ? theme.style.answer(text) : text;
  const defaultShown = defaultValue && status !== 'done' && !value ? theme.style.defaultAnswer(defaultValue) : undefined;
  return [[prefix, message, defaultShown, shown].filter((part) => part !== undefined).join(' '), error ? theme.style.error(error) : ''];
});
