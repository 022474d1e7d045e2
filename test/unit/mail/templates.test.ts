import { renderMail } from '../../../src/services/mail/templates';

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

  it('shows an image in the HTML part only, before the footer, and refuses anything but a PNG data URL', () => {
    const png = 'data:image/png;base64,iVBORw0KGgo=';
    const input = { template: 'test', kind: 'balance-reminder', locale: 'en', data: { note: 'n' }, preferencesUrl: 'https://k.example/account/mail' } as const;
    const mail = renderMail({ ...input, image: { dataUrl: png, altKey: 'testSubject' } });
    expect(mail.html).toContain(`<p>This is a test mail from kibble: n</p><p><img src="${png}" alt="kibble test mail" width="200" height="200"></p><p>You receive this mail because`);
    expect(mail.text).not.toContain('data:image');
    expect(() => renderMail({ ...input, image: { dataUrl: 'data:text/html;base64,PHNjcmlwdD4=', altKey: 'testSubject' } })).toThrow(/not a PNG data URL/);
    expect(() => renderMail({ ...input, image: { dataUrl: `${png}" onerror="x`, altKey: 'testSubject' } })).toThrow(/not a PNG data URL/);
  });
});
