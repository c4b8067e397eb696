// HTML templates as tagged template literals: every interpolated value is escaped unless it
// is already Html, so markup can only come from templates and the Markdown renderer.

export class Html {
  constructor(readonly value: string) {}
  toString(): string {
    return this.value;
  }
}

export type HtmlValue = Html | string | number | boolean | null | undefined | readonly HtmlValue[];

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Escapes text for element content and for quoted attribute values. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ESCAPES[c]!);
}

function render(value: HtmlValue): string {
  if (value instanceof Html) return value.value;
  if (Array.isArray(value)) return value.map(render).join('');
  if (value === null || value === undefined || value === false || value === true) return '';
  return escapeHtml(String(value));
}

export function html(strings: TemplateStringsArray, ...values: readonly HtmlValue[]): Html {
  let out = strings[0]!;
  values.forEach((value, i) => {
    out += render(value) + strings[i + 1]!;
  });
  return new Html(out);
}

/** Markup produced by trusted code (the Markdown renderer), taken as it is. */
export function trusted(markup: string): Html {
  return new Html(markup);
}

/**
 * The HTML parser drops one newline right after <textarea> and <pre>; starting their content
 * with one keeps a text that itself begins with a blank line intact.
 */
export function preformatted(text: string): Html {
  return new Html(`\n${escapeHtml(text)}`);
}
