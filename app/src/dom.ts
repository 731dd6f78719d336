/**
 * Small DOM helpers for the page's panels (no UI framework): typed element lookup, element
 * creation, and errors shown next to the field they concern.
 */

/** The element with id `id`; a missing id is a bug in index.html, so it throws. */
export function byId<T extends HTMLElement = HTMLElement>(id: string): T {
  const el = document.getElementById(id);
  if (el === null) throw new Error(`index.html has no element #${id}`);
  return el as T;
}

type Child = Node | string | null | undefined | false;

/** Create an element with attributes (strings; `class` included) and children. */
export function h<K extends keyof HTMLElementTagNameMap>(tag: K, attrs: Record<string, string | undefined> = {}, ...children: Child[]): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) if (v !== undefined) el.setAttribute(k, v);
  for (const c of children) if (c !== null && c !== undefined && c !== false) el.append(c);
  return el;
}

/**
 * Show `message` in the error element `errorEl` (hidden when the message is undefined) and mark
 * the field it concerns as invalid, so the error sits next to what must be corrected.
 */
export function showFieldError(errorEl: HTMLElement, message: string | undefined, field?: HTMLElement): void {
  errorEl.hidden = message === undefined;
  errorEl.textContent = message ?? '';
  if (field !== undefined) {
    if (message === undefined) field.removeAttribute('aria-invalid');
    else field.setAttribute('aria-invalid', 'true');
  }
}

/** Let the browser paint and handle input before continuing (keeps long page work in short tasks). */
export function nextTask(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 0));
}

/** Offer `content` as a file download named `name`. */
export function download(name: string, content: Blob | string, type = 'application/json'): void {
  const blob = typeof content === 'string' ? new Blob([content], { type }) : content;
  const url = URL.createObjectURL(blob);
  const a = h('a', { href: url, download: name });
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
