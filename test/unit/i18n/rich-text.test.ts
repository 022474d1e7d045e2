import { translatorFor } from '../../../src/i18n/translator';
import { html } from '../../../src/http/html';
import { richText } from '../../../src/http/pages/rich-text';

describe('richText', () => {
  it("puts the page's markup into a translated message's placeholders", () => {
    const link = html`<a href="/signin">Se connecter</a>`;
    expect(richText(translatorFor('fr'), 'auth:signUp.haveAccount', {}, { link }).markup).toBe('Déjà un compte ? <a href="/signin">Se connecter</a>.');
  });

  it('escapes the translation and the plain variables, never the markup', () => {
    const owner = html`<strong>${'<b>&'}</strong>`;
    expect(richText(translatorFor('en'), 'thing:by', {}, { owner }).markup).toBe('By <strong>&lt;b&gt;&amp;</strong>');
    const worth = richText(translatorFor('en'), 'thing:countIn', { period: '<2026-03>' }, { count: html`<i>1</i>` }).markup;
    expect(worth).toBe('<i>1</i> in &lt;2026-03&gt; (months are UTC).');
  });

  it('leaves a marker that is not markup as text', () => {
    expect(richText(translatorFor('en'), 'thing:by', { owner: '\u0001x\u0002' }, {}).markup).toBe('By \u0001x\u0002');
  });
});
