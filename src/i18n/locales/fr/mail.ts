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
};
