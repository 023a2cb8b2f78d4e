/**
 * The narrow interface every question goes through. The inquirer prompter asks a person at a
 * terminal; tests and pipelines never reach it (they answer from flags/files up front).
 * Every prompt can return BACK when the agent picks "← Go back".
 */
export const BACK: unique symbol = Symbol('back');
export type Back = typeof BACK;

export interface PromptChoice {
  readonly label: string;
  readonly value: string;
  readonly description?: string;
  /** Ticked at the start, in a choose-many list. */
  readonly checked?: boolean;
}

export interface TextOptions {
  readonly allowBack: boolean;
  readonly default?: string;
  /** Returns an error message, or undefined when the value is acceptable. */
  readonly validate?: (value: string) => string | undefined;
  readonly secret?: boolean;
  readonly multiline?: boolean;
  readonly hint?: string;
}

export interface Prompter {
  choose(message: string, choices: readonly PromptChoice[], options: { allowBack: boolean; default?: string }): Promise<string | Back>;
  chooseMany(message: string, choices: readonly PromptChoice[], options: { allowBack: boolean }): Promise<string[] | Back>;
  text(message: string, options: TextOptions): Promise<string | Back>;
  confirm(message: string, options: { allowBack: boolean; default?: boolean }): Promise<boolean | Back>;
}

/** Whether an error is the prompt library's own "the user left the prompt" (Ctrl-C, Escape). */
export function isPromptExit(error: unknown): boolean {
  return error instanceof Error && (error.name === 'ExitPromptError' || error.name === 'AbortPromptError');
}
