// Package extract turns one fetched HTML page into a missionsearch.Page: the
// main text without menus, breadcrumb, sidebars, share bars and footers,
// the title without the site-name suffix, the publication and update dates,
// the section, tags, language, description, canonical URL and outgoing
// links.
//
// It does no network I/O and keeps no state: every function is safe for
// concurrent use. It imports only the root package, the standard library
// and golang.org/x/net and golang.org/x/text; never net/http, the store,
// the index or the crawler.
//
// Section policy: when the canonical URL path has the shape
// /<lang>/<section>/<slug> (or /<section>/<slug> without a language
// prefix), the section is the URL segment, lower-cased ("news", "stories",
// "press-releases", "events"), because it is stable across languages and
// renamings. Otherwise it comes from the breadcrumb item before the page
// itself, mapped to the same keywords when known ("Actualités" → "news")
// and otherwise slugified ("Rapports annuels" → "rapports-annuels").
package extract
