// The two languages kibble's pages speak, for the browser tests. A browser context of a language
// asks for it both ways a visitor's browser does: the Accept-Language header (and the browser's
// own locale) and the `lang` cookie the language switch leaves behind.
//
// The French pages arrive with the i18n core (src/i18n/, issue 17 item 3). Until then the pages
// answer in English whatever is asked, so every check that needs them to be French is gated on
// frenchPagesExist(): one place to flip (or to delete) once they exist.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { BrowserContextOptions } from 'playwright-core';

export const LANGS = ['en', 'fr'] as const;
export type Lang = (typeof LANGS)[number];

/** What a French visitor's browser sends; an English one's. */
const ACCEPT_LANGUAGE: Readonly<Record<Lang, string>> = { en: 'en-GB,en;q=0.9', fr: 'fr-FR,fr;q=0.9,en;q=0.5' };

/** Whether the pages can answer in French: the i18n module exists. */
export function frenchPagesExist(): boolean {
  return existsSync(join(__dirname, '..', '..', '..', 'src', 'i18n'));
}

/** Whether the pages of `lang` are expected to be in `lang` (English always; French once it exists). */
export function pagesSpeak(lang: Lang): boolean {
  return lang === 'en' || frenchPagesExist();
}

/** Context options of a visitor who reads `lang`: the header and the browser's locale. */
export function languageContextOptions(lang: Lang): BrowserContextOptions {
  return { locale: lang === 'fr' ? 'fr-FR' : 'en-GB', extraHTTPHeaders: { 'Accept-Language': ACCEPT_LANGUAGE[lang] } };
}

/** The `lang` cookie as the language switch sets it, for the server at `baseUrl`. */
export function languageCookie(lang: Lang, baseUrl: string): { name: string; value: string; url: string } {
  return { name: 'lang', value: lang, url: baseUrl };
}
