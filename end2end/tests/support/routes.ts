// Every route of the site, for the specs that walk them all (every-page, accessibility):
// a new page is added here once.

/** The public site's list pages (detail pages are reached from them). */
export const PUBLIC_PAGES = ["/", "/team", "/services", "/solutions", "/contact", "/boutique", "/panier"];

/** The backoffice, signed in. */
export const BACKOFFICE_PAGES = [
  "/admin/settings",
  "/admin/team",
  "/admin/services",
  "/admin/solutions",
  "/admin/webhooks",
  "/admin/members",
  "/admin",
  "/admin/orders",
  "/admin/products",
  "/admin/account",
  "/admin/design",
  "/admin/prospects",
  "/admin/booking",
  "/synchronisation",
  "/synchronisation/logs",
  "/synchronisation/backups",
  "/synchronisation/config",
  "/synchronisation/stats",
];
