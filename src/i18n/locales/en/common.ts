/** Words every page shares: the layout, the language switcher, generic links. */
export default {
  'site.tagline': 'kibble: monthly micro-donations.',
  'nav.main': 'main',
  'nav.donor': 'Donor',
  'nav.creator': 'Creator',
  'nav.operator': 'Operator',
  'nav.signIn': 'Sign in',
  'nav.signUp': 'Sign up',
  'nav.signOut': 'Sign out',
  'footer.api': 'API',
  'language.label': 'Language',
  'language.en': 'English',
  'language.fr': 'Français',
  'flattrs.count_one': '{{count}} flattr',
  'flattrs.count_other': '{{count}} flattrs',
};
