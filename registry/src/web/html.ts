/**
 * HTML built by a tagged template that escapes every interpolation unless it is already `SafeHtml`
 * (from `html` itself or an explicit `raw`). Arrays are joined, `null`, `undefined` and `false`
 * render as nothing, so conditionals read naturally:
 *   html`<p>${user.name}</p>${items.map((i) => html`<li>${i}</li>`)}${warn && html`<b>!</b>`}`
 * Escaping also makes hidden characters visible (see `revealHidden`).
 */
export class SafeHtml {
  constructor(readonly value: string) {}
  toString(): string {
    return this.value;
  }
}

export type HtmlValue = SafeHtml | string | number | boolean | null | undefined | readonly HtmlValue[];

export function html(strings: TemplateStringsArray, ...values: HtmlValue[]): SafeHtml {
  let out = strings[0] ?? '';
  values.forEach((v, i) => {
    out += render(v) + (strings[i + 1] ?? '');
  });
  return new SafeHtml(out);
}

/** Marks a string as safe HTML. Only for markup produced by trusted code (the Markdown renderer). */
export function raw(value: string): SafeHtml {
  return new SafeHtml(value);
}

function render(v: HtmlValue): string {
  if (v instanceof SafeHtml) return v.value;
  if (Array.isArray(v)) return v.map(render).join('');
  if (v === null || v === undefined || v === false || v === true) return '';
  return escapeHtml(String(v));
}

const ENTITIES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

/** Escapes text for an element body or a quoted attribute value, revealing hidden characters. */
export function escapeHtml(text: string): string {
  return revealHidden(text).replace(/[&<>"']/g, (c) => ENTITIES[c]!);
}

/**
 * Characters that change how text reads without being seen (docs/security.md row 16): bidi controls,
 * zero-width characters, Unicode tag characters (invisible ASCII look-alikes), other C0/C1
 * controls except tab, newline and carriage return, and the byte-order mark.
 */
const HIDDEN =
  /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F\u00AD\u061C\u180E\u200B-\u200F\u202A-\u202E\u2060-\u2064\u2066-\u206F\uFEFF\uFFF9-\uFFFB\u{E0000}-\u{E007F}]/gu;

/**
 * Replaces each hidden character with a visible `[U+XXXX]`, so a reader sees that it is there.
 * @example revealHidden('abc\u202Efed') // 'abc[U+202E]fed'
 */
export function revealHidden(text: string): string {
  return text.replace(HIDDEN, (c) => `[U+${c.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}]`);
}
