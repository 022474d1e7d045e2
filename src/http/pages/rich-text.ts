import type { MessageKey, MessageVars, Translator } from '../../i18n/translator';
import { escapeHtml, trustedHtml, type TrustedHtml } from '../html';

/**
 * A translated message with markup in it (`Charged {{amount}} for ...` where the amount is
 * `<strong>`): the message is translated with a marker in each markup slot, escaped as text, and
 * only then are the markers replaced by the given markup, so a translation can move a link or a
 * `<strong>` but can never inject markup of its own.
 */
export function richText(i18n: Translator, key: MessageKey, vars: MessageVars, markup: Readonly<Record<string, TrustedHtml>>): TrustedHtml {
  const markers = Object.fromEntries(Object.keys(markup).map((name) => [name, `\u0001${name}\u0002`]));
  const escaped = escapeHtml(i18n.t(key, { ...vars, ...markers }));
  return trustedHtml(escaped.replace(/\u0001([^\u0002]*)\u0002/g, (marker, name: string) => markup[name]?.markup ?? marker));
}
