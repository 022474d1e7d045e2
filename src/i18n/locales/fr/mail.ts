// L'espace de noms `mail` : les mots de chaque courriel (voir ../en/mail.ts pour les règles).
export default {
  footerWhy: 'Vous recevez ce courriel parce que votre compte kibble a demandé les courriels « {{kindName}} ».',
  footerUnsubscribe: 'Arrêter ces courriels en un clic : {{unsubscribeUrl}}',
  footerPreferences: 'Choisir les courriels que vous recevez : {{preferencesUrl}}',
  footerRequested:
    "Vous recevez ce courriel parce que quelqu'un l'a demandé sur kibble avec cette adresse. Si ce n'était pas vous, ignorez-le : rien ne change.",

  'kind-deposit-credited': 'dépôt crédité',
  'kind-balance-reminder': 'rappel de solde avant la fin du mois',
  'kind-monthly-statement': 'relevé mensuel',
  'kind-supporter-digest': 'résumé quotidien des nouveaux soutiens et flattrs',
  'kind-payout-sent': 'paiement envoyé',
  'kind-payout-confirmed': 'paiement confirmé',
  'kind-owed-no-address': 'sommes dues sans adresse de paiement',
  'kind-operator-alert': "alertes d'exploitation",

  addressConfirmationSubject: 'Confirmez votre adresse électronique pour kibble',
  addressConfirmationBody:
    "Bonjour {{handle}},\n\nPour recevoir les courriels de kibble à cette adresse, confirmez-la en ouvrant ce lien d'ici {{hours}} heures :\n\n{{link}}\n\nLe lien ne sert qu'une fois.",

  passwordResetSubject: 'Réinitialisez votre mot de passe kibble',
  passwordResetBody:
    "Bonjour {{handle}},\n\nQuelqu'un (vous, espérons-le) a demandé à réinitialiser le mot de passe de votre compte kibble. Choisissez un nouveau mot de passe d'ici {{minutes}} minutes ici :\n\n{{link}}\n\nLe lien ne sert qu'une fois. Un nouveau mot de passe déconnecte toutes les sessions du compte.",

  testSubject: 'Courriel de test de kibble',
  testBody: 'Ceci est un courriel de test de kibble : {{note}}',

  // Notifications (issue 18, point 2) : ce que l'on dit aux donateurs, aux créateurs et à l'opérateur.
  depositCreditedSubject: 'Votre dépôt de {{amount}} est crédité',
  depositCreditedBody:
    'Votre dépôt de {{amount}} ({{outpoint}}) a assez de confirmations : il est crédité sur votre solde kibble depuis le {{date}}.\n\nVotre solde et vos flattrs du mois : {{accountUrl}}',

  balanceReminderSubject: 'Votre solde ne couvrira pas votre budget de {{period}}',
  balanceReminderQrAlt: 'Code QR de votre adresse de dépôt, demandant {{shortfall}}',
  balanceReminderBody:
    'Votre budget mensuel est de {{budget}}, mais votre solde est de {{balance}} : à la fin de {{period}}, vos flattrs ne se partageront que ce que contient le solde. Il manque {{shortfall}}.\n\nPour donner tout votre budget, envoyez {{shortfall}} à votre adresse de dépôt avant la fin du mois :\n\n{{address}}\n\nAvec une application de portefeuille : {{paymentUri}}\n\nLe code QR de cette adresse est sur votre page : {{donorUrl}}',

  monthlyStatementSubject: 'Votre relevé kibble de {{period}}',
  monthlyStatementBody:
    'En {{period}}, vos {{flattrs}} flattr(s) se sont partagé {{charge}}, dont {{fee}} de frais de service.\n\nOù est allé l\'argent :\n{{creators}}\n\nRendu à vous :\n{{refunds}}\n\nChaque flattr du mois, en tableur (connecté) : {{statementUrl}}',
  statementLinePaid: '{{creator}} : {{amount}}, payé dans {{outpoint}}',
  statementLineUnclaimed: '{{creator}} : {{amount}}, gardé jusqu\'à ce qu\'il ajoute une adresse de versement ; il vous revient le {{date}} sinon',
  statementLineBelowDust: '{{creator}} : {{amount}}, trop petit pour être envoyé seul : reporté à un mois suivant',
  statementLineNotSent: '{{creator}} : {{amount}}, pas encore envoyé',
  statementLineRefund: '{{amount}} donné à {{creator}} en {{period}}, jamais réclamé',
  statementNoCreators: 'rien ce mois-ci',
  statementNoRefunds: 'rien',

  supporterDigestSubject: 'Vos flattrs du {{day}}',
  supporterDigestBody:
    'Le {{day}}, vos contenus ont reçu de nouveaux flattrs.\n\nFlattrs : {{flattrs}} (sur {{things}} contenu(s))\nSoutiens : {{supporters}}, dont nouveaux ce mois-ci : {{newSupporters}}\n\nLes flattrs et gains du mois : {{creatorUrl}}',

  payoutSentSubject: 'Votre versement de {{amount}} pour {{period}} est envoyé',
  payoutSentBody:
    'Votre versement de {{amount}} pour {{period}} est en route vers {{address}}.\n\nSortie de transaction : {{outpoint}}\n\nUn autre courriel suivra quand il sera confirmé. Vos gains : {{creatorUrl}}',
  payoutConfirmedSubject: 'Votre versement de {{amount}} pour {{period}} est confirmé',
  payoutConfirmedBody:
    'Votre versement de {{amount}} pour {{period}} vers {{address}} est confirmé sur la chaîne.\n\nSortie de transaction : {{outpoint}}\n\nVos gains : {{creatorUrl}}',

  owedNoAddressSubject: 'kibble vous doit {{amount}} : ajoutez une adresse de versement',
  owedNoAddressBody:
    'Après {{period}}, kibble vous doit {{amount}}, mais votre compte n\'a pas d\'adresse de versement : rien n\'a pu être envoyé.\n\nAjoutez-en une sur votre page de créateur : {{creatorUrl}}\n\nS\'il n\'y en a toujours pas le {{date}}, les plus anciens de ces dons retournent aux donateurs qui les ont faits.',

  'operatorAlert-settlement-failedSubject': '[kibble] Le règlement de {{period}} s\'est arrêté sur une erreur',
  'operatorAlert-settlement-failedBody':
    'Le règlement de {{period}} (état : {{state}}) est arrêté sur une erreur depuis {{since}} :\n\n{{error}}\n\nLa page du mois : {{operatorUrl}} (docs/operator.md, « Recovery: a stuck month »).',
  'operatorAlert-settlement-stuckSubject': '[kibble] {{period}} n\'est pas confirmé {{hours}} heures après sa fin',
  'operatorAlert-settlement-stuckBody':
    'Le règlement de {{period}} est {{state}}, {{hours}} heures après la fin du mois.\n\n`npx kibble settlement-status {{period}}` dit où il s\'est arrêté ; les pages opérateur : {{operatorUrl}}',
  'operatorAlert-scanner-laggingSubject': '[kibble] Le scanner de dépôts a {{lag}} blocs de retard',
  'operatorAlert-scanner-laggingBody':
    'Le scanner de dépôts est à la hauteur {{height}}, le nœud à {{tip}} ({{lag}} blocs), depuis {{since}}. Les dépôts sont crédités en retard.\n\nVoyez le journal du scanner ; `npx kibble scan --once` fait une passe à la main.',
  'operatorAlert-node-unreachableSubject': '[kibble] Le nœud de la chaîne ne répond pas',
  'operatorAlert-node-unreachableBody':
    'Le nœud de la chaîne ne répond plus depuis {{since}}. Rien n\'est scanné, réglé ni confirmé tant qu\'il ne répond pas.\n\nLes pages opérateur : {{operatorUrl}}',
  'operatorAlert-custody-below-liabilitiesSubject': '[kibble] Le portefeuille détient {{shortfall}} de moins que ce que kibble doit',
  'operatorAlert-custody-below-liabilitiesBody':
    'Depuis {{since}}, les sorties non dépensées du portefeuille, moins les dépôts pas encore crédités, sont {{shortfall}} en dessous de ce que le grand livre doit ({{liabilities}}).\n\nLancez `npx kibble audit --full`, et arrêtez les règlements tant que ce n\'est pas expliqué.',
  operatorAlertResolvedSubject: '[kibble] Résolu : {{subject}}',
  operatorAlertResolvedBody: 'La condition {{subject}}, signalée depuis {{since}}, a pris fin.\n\nLes pages opérateur : {{operatorUrl}}',
};
