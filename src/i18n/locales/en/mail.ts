// The `mail` namespace: every mail's words. A template `x` has `xSubject` and `xBody`; a body's
// paragraphs are separated by blank lines, and {{name}} takes the template's data (plain text,
// escaped in the HTML part). The footers are added to every mail of a kind with preferences.
export default {
  footerWhy: 'You receive this mail because your kibble account asked for "{{kindName}}" mails.',
  footerUnsubscribe: 'Stop these mails in one click: {{unsubscribeUrl}}',
  footerPreferences: 'Choose which mails you get: {{preferencesUrl}}',
  footerRequested: 'You receive this mail because someone asked for it on kibble with this address. If it was not you, ignore it: nothing changes.',

  'kind-deposit-credited': 'deposit credited',
  'kind-balance-reminder': 'balance reminder before the month ends',
  'kind-monthly-statement': 'monthly statement',
  'kind-supporter-digest': 'daily digest of new supporters and flattrs',
  'kind-payout-sent': 'payout sent',
  'kind-payout-confirmed': 'payout confirmed',
  'kind-owed-no-address': 'money owed without a payout address',
  'kind-operator-alert': 'operator alerts',

  addressConfirmationSubject: 'Confirm your e-mail address for kibble',
  addressConfirmationBody:
    'Hello {{handle}},\n\nTo receive kibble mails at this address, confirm it by opening this link within {{hours}} hours:\n\n{{link}}\n\nThe link works once.',

  passwordResetSubject: 'Reset your kibble password',
  passwordResetBody:
    'Hello {{handle}},\n\nSomeone (we hope you) asked to reset the password of your kibble account. Choose a new password within {{minutes}} minutes here:\n\n{{link}}\n\nThe link works once. Setting a new password signs every session of the account out.',

  testSubject: 'kibble test mail',
  testBody: 'This is a test mail from kibble: {{note}}',
};
