/** The creator's chart of flattrs and earnings per month (inline SVG). */
export default {
  title: 'Flattrs and earnings per month',
  empty: 'No flattrs or earnings yet',
  emptyDesc: 'No flattrs or earnings yet.',
  barFlattrs_one: '{{month}}: {{count, number}} flattr',
  barFlattrs_other: '{{month}}: {{count, number}} flattrs',
  barEarned: '{{month}}: {{amount}} earned',
  desc: 'Bars per month from {{from}} to {{to}}: flattrs on the left scale (up to {{maxFlattrs}}), earnings on the right scale (up to {{maxEarned}}). The table below has the same numbers.',
  legendFlattrs: 'Flattrs (left scale)',
  legendEarned: 'Earned (right scale)',
  legendEarnedIn: 'Earned in {{unit}} (right scale)',
};
