import en from '../../../src/i18n/locales/en/mail';
import fr from '../../../src/i18n/locales/fr/mail';
import { renderMail } from '../../../src/services/mail/templates';

const placeholders = (text: string): string[] => [...text.matchAll(/\{\{\s*(\w+)\s*\}\}/g)].map((match) => match[1] ?? '').sort();

describe('the mail catalogue', () => {
  it('has the same keys, with the same {{placeholders}}, in English and French', () => {
    expect(Object.keys(fr).sort()).toEqual(Object.keys(en).sort());
    for (const [key, text] of Object.entries(en)) expect([key, placeholders((fr as Record<string, string>)[key] ?? '')]).toEqual([key, placeholders(text)]);
  });
});

describe('renderMail', () => {
  const data = { handle: 'alice<b>', link: 'https://kibble.example/a?x=1&y=2', hours: '24' };

  it('renders the text with the data as is and the HTML escaped, with links', () => {
    const mail = renderMail({ template: 'addressConfirmation', kind: 'address-confirmation', locale: 'en', data });
    expect(mail.subject).toBe('Confirm your e-mail address for kibble');
    expect(mail.text).toContain('Hello alice<b>,');
    expect(mail.text).toContain('https://kibble.example/a?x=1&y=2');
    expect(mail.text).toContain('If it was not you, ignore it');
    expect(mail.html).toContain('Hello alice&#60;b&#62;,');
    expect(mail.html).toContain('<a href="https://kibble.example/a?x=1&#38;y=2">');
    expect(mail.html).toContain('<html lang="en">');
  });

  it('writes French for locale fr and adds the unsubscribe and preferences footers to a kind with preferences', () => {
    const mail = renderMail({
      template: 'test',
      kind: 'operator-alert',
      locale: 'fr',
      data: { note: 'n' },
      unsubscribeUrl: 'https://k.example/mail/unsubscribe/t',
      preferencesUrl: 'https://k.example/account/mail',
    });
    expect(mail.subject).toBe('Courriel de test de kibble');
    expect(mail.text).toContain('« alertes d\'exploitation »');
    expect(mail.text).toContain('en un clic : https://k.example/mail/unsubscribe/t');
    expect(mail.text).toContain('https://k.example/account/mail');
  });

  it('refuses a template without words or data it needs (a programming error, caught in tests)', () => {
    expect(() => renderMail({ template: 'nope', kind: 'password-reset', locale: 'en', data: {} })).toThrow(/no key "nopeSubject"/);
    expect(() => renderMail({ template: 'test', kind: 'password-reset', locale: 'en', data: {} })).toThrow(/no value for \{\{note\}\}/);
  });
});
