// The English text of every error code is main's catalog (main/data/error-catalog.ts, the one place it is written),
// turned into vue-i18n syntax here: {name} stays a parameter, any other literal { } @ $ | % < > becomes {'c'}.
// errors.zh-CN.ts has the same keys and parameters (test/api/error-codes.test.ts checks both files against the catalog).
import { ERROR_CATALOG, type ErrorCode } from '../../../main/data/error-catalog';

const PARAMETER = /^\{\w+\}/; // as the catalog's placeholders
const SPECIAL = /[{}@$|%<>]/;

/** A catalog template as a vue-i18n message. */
export function toMessage(template: string): string {
  let out = '';
  for (let i = 0; i < template.length; i++) {
    const p = PARAMETER.exec(template.slice(i));
    if (p) { out += p[0]; i += p[0].length - 1; continue; }
    const c = template[i]!;
    out += SPECIAL.test(c) ? `{'${c}'}` : c;
  }
  return out;
}

export default Object.fromEntries(Object.entries(ERROR_CATALOG).map(([code, template]) => [code, toMessage(template)])) as Record<ErrorCode, string>;
