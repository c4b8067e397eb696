// Reading the wiki's HTML in tests that do not run a browser: form fields and text.

export function decodeEntities(text: string): string {
  return text.replace(/&(amp|lt|gt|quot|#39);/g, (_, e: string) => ({ amp: '&', lt: '<', gt: '>', quot: '"', '#39': "'" })[e]!);
}

/** The value of the first <input name="..."> in the page, decoded; undefined when absent. */
export function inputValue(html: string, name: string): string | undefined {
  const tag = new RegExp(`<input[^>]*\\bname="${name}"[^>]*>`).exec(html)?.[0];
  if (!tag) return undefined;
  const value = /\bvalue="([^"]*)"/.exec(tag)?.[1];
  return decodeEntities(value ?? '');
}

/** The content of <textarea name="...">, as a browser would read it (one leading newline dropped). */
export function textareaValue(html: string, name: string): string | undefined {
  const match = new RegExp(`<textarea[^>]*\\bname="${name}"[^>]*>([\\s\\S]*?)</textarea>`).exec(html);
  if (!match) return undefined;
  return decodeEntities(match[1]!.replace(/^\n/, ''));
}

/** Visible text, roughly: tags removed, entities decoded, white space collapsed. */
export function visibleText(html: string): string {
  const inline = /<\/?(?:a|q|span|strong|em|time|code|del|ins|mark|b|i)\b[^>]*>/g;
  return decodeEntities(html.replace(/<script[\s\S]*?<\/script>/g, '').replace(inline, '').replace(/<[^>]+>/g, ' ')).replace(/\s+/g, ' ').trim();
}

export function form(fields: Record<string, string>): string {
  return new URLSearchParams(fields).toString();
}
