/** Le graphique du créateur : flattrs et gains par mois (SVG en ligne). */
export default {
  title: 'Flattrs et gains par mois',
  empty: 'Pas encore de flattrs ni de gains',
  emptyDesc: 'Pas encore de flattrs ni de gains.',
  barFlattrs_one: '{{month}} : {{count, number}} flattr',
  barFlattrs_many: '{{month}} : {{count, number}} flattrs',
  barFlattrs_other: '{{month}} : {{count, number}} flattrs',
  barEarned: '{{month}} : {{amount}} gagnés',
  desc: "Barres par mois de {{from}} à {{to}} : les flattrs sur l'échelle de gauche (jusqu'à {{maxFlattrs}}), les gains sur l'échelle de droite (jusqu'à {{maxEarned}}). Le tableau ci-dessous donne les mêmes nombres.",
  legendFlattrs: 'Flattrs (échelle de gauche)',
  legendEarned: 'Gains (échelle de droite)',
  legendEarnedIn: 'Gains en {{unit}} (échelle de droite)',
};
