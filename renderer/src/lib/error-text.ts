// API errors in the interface's language. Main answers a failed call with an English message and, for the errors
// its catalog knows (main/api/error-codes.ts), a stable code with parameters; the renderer shows the code's text
// from the locale's `errors` messages, and the English message for a code it has no text for (or none at all).
import { useI18n } from 'vue-i18n';

/** What a store keeps of a failure: plain data, so it can be shown again in another language. */
export interface Problem {
  message: string;
  code?: string;
  params?: Record<string, unknown>;
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Problems by field path (`tasks[1].label`, `backbone.heads`), as the config check reports them. */
export type FieldIssues = Record<string, readonly (Problem | string)[]>;

/** A Problem from anything thrown (an ApiError carries code and params; other errors only their message). */
export function problemOf(err: unknown): Problem {
  if (!isRecord(err) && !(err instanceof Error)) return { message: String(err) };
  const e = err as { message?: unknown; code?: unknown; params?: unknown };
  const out: Problem = { message: typeof e.message === 'string' ? e.message : String(err) };
  if (typeof e.code === 'string' && e.code) out.code = e.code;
  if (isRecord(e.params)) out.params = e.params;
  return out;
}

/** The message key of a code; bracket notation, as a code may hold dots or dashes ('not-found', 'import.bad-row'). */
const keyOf = (code: string | undefined): string | undefined => (code && !/['\\[\]]/.test(code) ? `errors['${code}']` : undefined);

interface Translator {
  t: (key: string, named: Record<string, unknown>) => string;
  te: (key: string, locale?: string) => boolean;
}

/** The text of a problem: the code's message with its parameters where the messages have one, else main's message. */
export function errorText(problem: Problem | string | undefined, i18n: Translator): string {
  if (problem === undefined) return '';
  if (typeof problem === 'string') return problem;
  return hasErrorText(problem, i18n.te) ? i18n.t(keyOf(problem.code)!, problem.params ?? {}) : problem.message;
}

/** errorText bound to the interface's locale, for components. */
export function useErrorText(): (problem: Problem | string | undefined) => string {
  const i18n = useTranslator();
  return (problem) => errorText(problem, i18n);
}

/** hasErrorText bound to the interface's locale. */
export function useHasErrorText(): (problem: Problem | string | undefined) => boolean {
  const i18n = useTranslator();
  return (problem) => hasErrorText(problem, i18n.te);
}

function useTranslator(): Translator {
  const { t, te } = useI18n();
  return { t: (key, named) => t(key, named), te: (key, locale) => te(key, locale) };
}

/** Whether the interface has its own text for a problem's code (else errorText shows main's English message). */
export function hasErrorText(problem: Problem | string | undefined, te: Translator['te']): boolean {
  const key = typeof problem === 'object' ? keyOf(problem.code) : undefined;
  return !!key && (te(key) || te(key, 'en'));
}
