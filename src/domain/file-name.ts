/**
 * A file name as a sender gave it, safe to store and to put in a Content-Disposition header:
 * no path, no control characters, at most 255 characters. Null when nothing usable is left.
 */
export function cleanFileName(name: string | null | undefined): string | null {
  if (!name) return null;
  const base = name.split(/[\\/]/).pop() ?? '';
  const cleaned = base.replace(/[\u0000-\u001f\u007f"]/g, '').trim().slice(0, 255);
  return cleaned === '' || cleaned === '.' || cleaned === '..' ? null : cleaned;
}
