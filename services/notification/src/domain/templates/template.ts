/**
 * The template language, deliberately tiny so merchants' overrides can be checked before they are
 * stored: `{{name}}` inserts a value (HTML-escaped in HTML); `{{#name}}...{{/name}}` keeps its
 * content only when the value is not empty; `{{^name}}...{{/name}}` only when it is. No logic, no
 * nesting of a section in a section of the same name, nothing else.
 */

export const PLACEHOLDERS = [
  'greeting',
  'firstName',
  'merchantName',
  'orderNumber',
  'trackingUrl',
  'deliveryWindow',
  'exceptionState',
  'reason',
  'feedbackUrl',
] as const;

export type Placeholder = (typeof PLACEHOLDERS)[number];
export type TemplateValues = Record<Placeholder, string>;

const TAG = /\{\{\s*([#^/]?)\s*([A-Za-z][A-Za-z0-9]*)\s*\}\}/g;

export function escapeHtml(value: string): string {
  return value
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

/** What is wrong with a template, one line each; empty when it renders. */
export function templateProblems(source: string, allowed: readonly string[] = PLACEHOLDERS): string[] {
  const problems: string[] = [];
  const open: string[] = [];
  for (const match of source.matchAll(TAG)) {
    const [, sigil, name] = match as unknown as [string, string, string];
    if (!allowed.includes(name)) {
      problems.push(`unknown placeholder {{${sigil}${name}}}; allowed: ${allowed.join(', ')}`);
      continue;
    }
    if (sigil === '#' || sigil === '^') open.push(name);
    else if (sigil === '/') {
      const last = open.pop();
      if (last !== name) problems.push(`{{/${name}}} closes ${last ? `{{#${last}}}` : 'nothing'}`);
    }
  }
  for (const name of open) problems.push(`{{#${name}}} is never closed`);
  const stray = source.replace(TAG, '');
  if (stray.includes('{{') || stray.includes('}}')) problems.push('a {{ or }} that is not a placeholder');
  return problems;
}

/** Renders a template that passed templateProblems; values are escaped by `escape`. */
export function renderTemplate(
  source: string,
  values: Readonly<Record<string, string>>,
  escape: (value: string) => string = (value) => value,
): string {
  const sections = /\{\{\s*([#^])\s*([A-Za-z][A-Za-z0-9]*)\s*\}\}([\s\S]*?)\{\{\s*\/\s*\2\s*\}\}/g;
  let text = source;
  // Innermost sections first, until none is left.
  for (let previous = ''; previous !== text;) {
    previous = text;
    text = text.replace(sections, (_match, sigil: string, name: string, body: string) => {
      const present = (values[name] ?? '') !== '';
      return (sigil === '#') === present ? body : '';
    });
  }
  return text.replace(TAG, (_match, _sigil: string, name: string) => escape(values[name] ?? ''));
}
