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

  // Notifications (issue 18, item 2): what donors, creators and the operator are told.
  depositCreditedSubject: 'Your deposit of {{amount}} is credited',
  depositCreditedBody:
    'Your deposit of {{amount}} ({{outpoint}}) has enough confirmations: it is credited to your kibble balance since {{date}}.\n\nYour balance and this month\'s flattrs: {{accountUrl}}',

  balanceReminderSubject: 'Your balance will not cover your budget for {{period}}',
  balanceReminderQrAlt: 'QR code of your deposit address, asking for {{shortfall}}',
  balanceReminderBody:
    'Your monthly budget is {{budget}}, but your balance is {{balance}}: when {{period}} ends, your flattrs will share only what the balance holds. {{shortfall}} is missing.\n\nTo give your whole budget, send {{shortfall}} to your deposit address before the month ends:\n\n{{address}}\n\nWith a wallet app: {{paymentUri}}\n\nThe QR code of this address is on your page: {{donorUrl}}',

  monthlyStatementSubject: 'Your kibble statement for {{period}}',
  monthlyStatementBody:
    'In {{period}} your {{flattrs}} flattr(s) shared {{charge}}, of which {{fee}} was the service fee.\n\nWhere the money went:\n{{creators}}\n\nReturned to you:\n{{refunds}}\n\nEvery flattr of the month, as a spreadsheet (signed in): {{statementUrl}}',
  statementLinePaid: '{{creator}}: {{amount}}, paid in {{outpoint}}',
  statementLineUnclaimed: '{{creator}}: {{amount}}, kept until they add a payout address; it comes back to you on {{date}} if they have not',
  statementLineBelowDust: '{{creator}}: {{amount}}, too small to send alone: carried to a later month',
  statementLineNotSent: '{{creator}}: {{amount}}, not sent yet',
  statementLineRefund: '{{amount}} given to {{creator}} in {{period}}, never claimed',
  statementNoCreators: 'nothing this month',
  statementNoRefunds: 'nothing',

  supporterDigestSubject: 'Your flattrs of {{day}}',
  supporterDigestBody:
    'On {{day}} your things got new flattrs.\n\nFlattrs: {{flattrs}} (on {{things}} thing(s))\nSupporters: {{supporters}}, of whom new this month: {{newSupporters}}\n\nThis month\'s flattrs and earnings: {{creatorUrl}}',

  payoutSentSubject: 'Your payout of {{amount}} for {{period}} is sent',
  payoutSentBody:
    'Your payout of {{amount}} for {{period}} is on its way to {{address}}.\n\nTransaction output: {{outpoint}}\n\nYou will get another mail once it is confirmed. Your earnings: {{creatorUrl}}',
  payoutConfirmedSubject: 'Your payout of {{amount}} for {{period}} is confirmed',
  payoutConfirmedBody:
    'Your payout of {{amount}} for {{period}} to {{address}} is confirmed on chain.\n\nTransaction output: {{outpoint}}\n\nYour earnings: {{creatorUrl}}',

  owedNoAddressSubject: 'kibble owes you {{amount}}: add a payout address',
  owedNoAddressBody:
    'After {{period}}, kibble owes you {{amount}}, but your account has no payout address, so nothing could be sent.\n\nAdd one on your creator page: {{creatorUrl}}\n\nIf there is still none by {{date}}, the oldest of these gifts go back to the donors who gave them.',

  'operatorAlert-settlement-failedSubject': '[kibble] The settlement of {{period}} stopped with an error',
  'operatorAlert-settlement-failedBody':
    'The settlement of {{period}} (state: {{state}}) has stopped with an error since {{since}}:\n\n{{error}}\n\nThe month\'s page: {{operatorUrl}} (docs/operator.md, "Recovery: a stuck month").',
  'operatorAlert-settlement-stuckSubject': '[kibble] {{period}} is not confirmed {{hours}} hours after it ended',
  'operatorAlert-settlement-stuckBody':
    'The settlement of {{period}} is {{state}}, {{hours}} hours after the month ended.\n\n`npx kibble settlement-status {{period}}` says where it stopped; the operator pages: {{operatorUrl}}',
  'operatorAlert-scanner-laggingSubject': '[kibble] The deposit scanner is {{lag}} blocks behind',
  'operatorAlert-scanner-laggingBody':
    'The deposit scanner is at height {{height}}, the node at {{tip}} ({{lag}} blocks), since {{since}}. Deposits are credited late.\n\nLook at the scanner\'s log; `npx kibble scan --once` runs a pass by hand.',
  'operatorAlert-node-unreachableSubject': '[kibble] The chain node does not answer',
  'operatorAlert-node-unreachableBody':
    'The chain node has not answered since {{since}}. Nothing is scanned, settled or confirmed until it does.\n\nThe operator pages: {{operatorUrl}}',
  'operatorAlert-custody-below-liabilitiesSubject': '[kibble] The wallet holds {{shortfall}} less than kibble owes',
  'operatorAlert-custody-below-liabilitiesBody':
    'Since {{since}} the wallet\'s unspent outputs, less deposits not yet credited, are {{shortfall}} below what the ledger owes ({{liabilities}}).\n\nRun `npx kibble audit --full`, and stop settling until it is explained.',
  operatorAlertResolvedSubject: '[kibble] Resolved: {{subject}}',
  operatorAlertResolvedBody: 'The condition {{subject}}, told of since {{since}}, has ended.\n\nThe operator pages: {{operatorUrl}}',
};
