import { NAMESPACES } from '../../i18n/catalogues';
import { isMailKind, type AnyMailKind, type MailLocale } from './kinds';

/**
 * Renders a mail from the `mail` catalogue namespace: template `x` is the keys `xSubject` and
 * `xBody`, in the recipient's language. Pure: words, data and links in; subject, text and HTML out.
 * Data values are plain text: the text part uses them as they are, the HTML part escapes them.
 */

/** A raw catalogue string (before interpolation) for a locale, undefined when the key is missing. */
export type MailWords = (locale: MailLocale, key: string) => string | undefined;

/**
 * The words of the `mail` namespace (src/i18n/locales/<locale>/mail.ts), raw: interpolation is
 * done here, so that the HTML part can escape each value and the text part keep it as it is.
 */
export const catalogueWords: MailWords = (locale, key) => (NAMESPACES.mail[locale] as Readonly<Record<string, string>>)[key];

export interface MailContent {
  subject: string;
  text: string;
  html: string;
}

/** A PNG as a data URL; the SMTP transport turns it into an inline (cid:) attachment. */
export interface MailImage {
  dataUrl: string;
  /** Catalogue key of its text alternative. */
  altKey: string;
}

const PNG_DATA_URL = /^data:image\/png;base64,[A-Za-z0-9+/]+={0,2}$/;

export interface RenderInput {
  template: string;
  kind: AnyMailKind;
  locale: MailLocale;
  data: Readonly<Record<string, string>>;
  /** Present for kinds with preferences. */
  unsubscribeUrl?: string;
  preferencesUrl?: string;
  image?: MailImage;
}

export function renderMail(input: RenderInput, words: MailWords = catalogueWords): MailContent {
  const word = (key: string, data: Readonly<Record<string, string>>, escape: (text: string) => string): string => {
    const raw = words(input.locale, key) ?? words('en', key);
    if (raw === undefined) throw new Error(`mail catalogue: no key "${key}" (template "${input.template}")`);
    return raw.replace(/\{\{\s*([A-Za-z0-9_]+)\s*\}\}/g, (_, name: string) => {
      const value = data[name];
      if (value === undefined) throw new Error(`mail template "${input.template}": no value for {{${name}}} in "${key}"`);
      return escape(value);
    });
  };
  const plain = (text: string): string => text;
  const subject = word(`${input.template}Subject`, input.data, plain).replace(/[\r\n]+/g, ' ');
  const footerKeys = footerKeysOf(input);
  const footerData = {
    kindName: isMailKind(input.kind) ? word(`kind-${input.kind}`, {}, plain) : '',
    unsubscribeUrl: input.unsubscribeUrl ?? '',
    preferencesUrl: input.preferencesUrl ?? '',
  };
  const paragraphs = (escape: (text: string) => string): string[] => [
    ...word(`${input.template}Body`, input.data, escape).split(/\n\s*\n/),
    footerKeys.map((key) => word(key, footerData, escape)).join('\n'),
  ];
  const text = `${paragraphs(plain).join('\n\n')}\n`;
  if (input.image !== undefined && !PNG_DATA_URL.test(input.image.dataUrl)) throw new Error(`mail template "${input.template}": the image is not a PNG data URL`);
  const image = input.image === undefined ? '' : `<p><img src="${input.image.dataUrl}" alt="${escapeHtml(word(input.image.altKey, input.data, plain))}" width="200" height="200"></p>`;
  const htmlParagraphs = paragraphs(escapeHtml).map((paragraph) => `<p>${linkUrls(paragraph).replace(/\n/g, '<br>')}</p>`);
  // The image goes before the footer (the last paragraph).
  htmlParagraphs.splice(htmlParagraphs.length - 1, 0, image);
  const html =
    `<!doctype html><html lang="${input.locale}"><head><meta charset="utf-8"><title>${escapeHtml(subject)}</title></head>` +
    `<body>${htmlParagraphs.join('')}</body></html>`;
  return { subject, text, html };
}

function footerKeysOf(input: RenderInput): string[] {
  if (!isMailKind(input.kind)) return ['footerRequested'];
  return ['footerWhy', ...(input.unsubscribeUrl === undefined ? [] : ['footerUnsubscribe']), ...(input.preferencesUrl === undefined ? [] : ['footerPreferences'])];
}

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`);
}

/** Turns the http(s) URLs of an escaped paragraph into links (the URL text is already escaped). */
function linkUrls(escaped: string): string {
  return escaped.replace(/https?:\/\/[^\s<]+/g, (url) => `<a href="${url}">${url}</a>`);
}
