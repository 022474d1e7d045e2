/** The "download proof" links of the donor and creator pages. */
export default {
  download: 'Download proof',
  label: 'Download proof of your {{month}} allocations (JSON, check it with kibble verify-proof)',
  notCommitted: 'no proof yet',
};
