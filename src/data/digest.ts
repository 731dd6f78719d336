/**
 * SHA-256 of a data file's bytes, recorded in every Dataset so an artifact can say exactly which
 * file it was fitted on. Uses Web Crypto (`globalThis.crypto.subtle`), present in Node 20 and in
 * browsers, so the same code runs in the CLI and the browser app.
 */
import { LawfitError } from '../errors.js';

/** Lower-case hex SHA-256 of `bytes` (text is hashed as its UTF-8 encoding). */
export async function sha256Hex(content: Uint8Array | string): Promise<string> {
  const subtle = globalThis.crypto?.subtle;
  if (subtle === undefined) {
    throw new LawfitError('data-file', 'cannot compute the SHA-256 digest of the data: Web Crypto (crypto.subtle) is not available here', false);
  }
  // Copy into a fresh ArrayBuffer-backed view: digest() does not accept views of shared memory.
  const bytes = typeof content === 'string' ? new TextEncoder().encode(content) : new Uint8Array(content);
  const hash = new Uint8Array(await subtle.digest('SHA-256', bytes));
  let hex = '';
  for (const b of hash) hex += b.toString(16).padStart(2, '0');
  return hex;
}
