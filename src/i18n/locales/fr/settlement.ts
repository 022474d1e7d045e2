/**
 * Les codes du règlement en mots (services/settlement/words.ts garde les tables code -> clé) :
 * le nom court d'un état et ce qu'il veut dire, l'état d'une transaction, le sort d'un créateur.
 */
export default {
  'state-open': 'ouvert',
  'state-closed': 'clos',
  'state-planned': 'planifié',
  'state-signed': 'signé',
  'state-broadcast': 'diffusé',
  'state-confirmed': 'confirmé',
  'state-open-words': 'les clics comptent encore dans ce mois',
  'state-closed-words': 'clics figés, pas encore planifié',
  'state-planned-words': 'le plan est enregistré, rien de signé pour le moment',
  'state-signed-words': 'transactions signées et enregistrées, pas encore envoyées',
  'state-broadcast-words': 'envoyé, en attente de confirmations',
  'state-confirmed-words': 'chaque paiement est confirmé sur la chaîne',
  'tx-signed': 'signée',
  'tx-broadcast': 'diffusée',
  'tx-confirmed': 'confirmée',
  'tx-signed-words': 'signée, pas encore envoyée',
  'tx-broadcast-words': 'envoyée, en attente de confirmations',
  'tx-confirmed-words': 'confirmée',
  'outcome-paid': 'payé',
  'outcome-below-dust': 'sous le seuil de poussière, reporté au mois suivant',
  'outcome-no-payout-address': "pas encore d'adresse de paiement, reste dû",
  'outcome-nothing-owed': 'rien de dû',
};
