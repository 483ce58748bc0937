import { XMLParser, XMLValidator } from 'fast-xml-parser';

/**
 * Untrusted XML, read safely: any DOCTYPE is refused before parsing (no DTDs, so no external entities and no
 * entity expansion — XXE and billion laughs cannot start), and the parser itself has entity processing off.
 * Elements are always arrays and namespaces are dropped, so UBL and CII read with the same small helpers.
 */

export class XmlRejected extends Error {
  constructor(
    readonly reason: 'XML_DTD_FORBIDDEN' | 'XML_MALFORMED' | 'NOT_AN_INVOICE',
    message: string,
  ) {
    super(message);
    this.name = 'XmlRejected';
  }
}

export type XmlNode = Record<string, unknown>;

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '@',
  removeNSPrefix: true,
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: true,
  processEntities: false,
  isArray: (_name, _path, _isLeaf, isAttribute) => !isAttribute,
});

const PREDEFINED: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };

/** The five predefined entities and character references — the only ones XML without a DTD may use. */
export function decodeText(text: string): string {
  return text.replace(/&(#x[0-9a-fA-F]+|#\d+|lt|gt|amp|quot|apos);/g, (_m, ref: string) => {
    if (ref.startsWith('#x')) return String.fromCodePoint(parseInt(ref.slice(2), 16));
    if (ref.startsWith('#')) return String.fromCodePoint(parseInt(ref.slice(1), 10));
    return PREDEFINED[ref] ?? '';
  });
}

/** Strips the prolog, comments and processing instructions; returns the root's local name. */
export function rootElement(text: string): string | null {
  const body = text.replace(/^\uFEFF/, '').replace(/<\?[\s\S]*?\?>|<!--[\s\S]*?-->/g, '');
  const match = /<\s*(?:[\w.-]+:)?([\w.-]+)[\s/>]/.exec(body);
  return match?.[1] ?? null;
}

export function parseXml(bytes: Buffer): { root: string; doc: XmlNode } {
  const text = bytes.toString('utf8');
  if (/<!DOCTYPE|<!ENTITY/i.test(text)) {
    throw new XmlRejected('XML_DTD_FORBIDDEN', 'XML with a DOCTYPE or entity declarations is not accepted');
  }
  const root = rootElement(text);
  if (!root) throw new XmlRejected('XML_MALFORMED', 'No root element');
  // The parser is lenient about unclosed tags; its bundled validator (deprecated in favour of a separate package,
  // still shipped in 5.x) rejects them so a truncated file fails clearly instead of yielding half an invoice.
  // eslint-disable-next-line @typescript-eslint/no-deprecated
  const valid = XMLValidator.validate(text);
  if (valid !== true) throw new XmlRejected('XML_MALFORMED', `Malformed XML: ${valid.err.msg.slice(0, 200)}`);
  const parsed = parser.parse(text) as XmlNode;
  const doc = first(parsed, root);
  if (!doc) throw new XmlRejected('XML_MALFORMED', 'No root element');
  return { root, doc };
}

function children(node: XmlNode | undefined, name: string): XmlNode[] {
  const value = node?.[name];
  if (!Array.isArray(value)) return [];
  return value.map((v) => (typeof v === 'object' && v !== null ? (v as XmlNode) : { '#text': String(v) }));
}

function first(node: XmlNode | undefined, name: string): XmlNode | undefined {
  return children(node, name)[0];
}

/** Every node at a slash-separated path of local names. */
export function all(node: XmlNode | undefined, path: string): XmlNode[] {
  let current: XmlNode[] = node ? [node] : [];
  for (const step of path.split('/')) current = current.flatMap((n) => children(n, step));
  return current;
}

export const at = (node: XmlNode | undefined, path: string): XmlNode | undefined => all(node, path)[0];

/** The decoded text at a path, or null when absent or empty. */
export function text(node: XmlNode | undefined, path?: string): string | null {
  const target = path ? at(node, path) : node;
  const raw = target?.['#text'];
  if (typeof raw !== 'string' && typeof raw !== 'number') return null;
  const value = decodeText(String(raw)).trim();
  return value === '' ? null : value;
}

export function attr(node: XmlNode | undefined, name: string): string | null {
  const value = node?.[`@${name}`];
  return typeof value === 'string' ? value : null;
}
