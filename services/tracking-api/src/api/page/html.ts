/**
 * Markup built from tagged templates: every interpolated value is escaped unless it is itself
 * markup made by `html` (or one of the page's own constants passed through `trusted`). So a
 * city named `<script>` or a carrier text with quotes reaches the buyer as text, whatever
 * template it lands in, and no call site has to remember to escape.
 */
export class SafeHtml {
  constructor(readonly markup: string) {}

  toString(): string {
    return this.markup;
  }
}

export type Interpolation = SafeHtml | string | number | null | undefined | false | readonly Interpolation[];

const ESCAPES: Readonly<Record<string, string>> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

/** Safe in element content and in quoted attribute values, which is everywhere the page interpolates. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (character) => ESCAPES[character]!);
}

function render(value: Interpolation): string {
  if (value instanceof SafeHtml) return value.markup;
  if (value === null || value === undefined || value === false) return '';
  if (Array.isArray(value)) return value.map(render).join('');
  return escapeHtml(String(value));
}

export function html(strings: TemplateStringsArray, ...values: Interpolation[]): SafeHtml {
  let markup = strings[0]!;
  values.forEach((value, index) => {
    markup += render(value) + strings[index + 1]!;
  });
  return new SafeHtml(markup);
}

/** The page's own constant stylesheet and script: never anything that came from an event. */
export function trusted(constant: string): SafeHtml {
  return new SafeHtml(constant);
}

/**
 * Fills `{name}` placeholders of a translated message. The message's own text is escaped too,
 * so a translation may contain quotes or ampersands without thought.
 */
export function fill(message: string, values: Readonly<Record<string, Interpolation>> = {}): SafeHtml {
  const markup = message
    .split(/(\{\w+\})/)
    .map((part) => {
      const name = /^\{(\w+)\}$/.exec(part)?.[1];
      return name !== undefined && Object.hasOwn(values, name) ? render(values[name]!) : escapeHtml(part);
    })
    .join('');
  return new SafeHtml(markup);
}

/** A link target only if it is an http(s) URL: a `javascript:` URL would run when tapped. */
export function safeHref(url: string | null | undefined): string | null {
  if (!url) return null;
  try {
    const parsed = new URL(url);
    return parsed.protocol === 'https:' || parsed.protocol === 'http:' ? parsed.href : null;
  } catch {
    return null;
  }
}
