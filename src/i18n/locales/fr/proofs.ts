/** Les liens « télécharger la preuve » des pages donateur et créateur. */
export default {
  download: 'Télécharger la preuve',
  label: 'Télécharger la preuve de vos répartitions de {{month}} (JSON, à vérifier avec kibble verify-proof)',
  notCommitted: 'pas encore de preuve',
};
