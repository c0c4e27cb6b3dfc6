package missionsearch

import "time"

// What the rest of a site says of one page, which the page itself does not:
// the dates its listings show beside their links to it, and the pages
// citing a document. The store reports them (ListedDate, Cited) and the
// crawler writes what it decides from them (Derived).

// ListedDate is what the live listings of the site show of one live page
// that is not a listing or a document and has no date of its own (none,
// or a teaser date).
type ListedDate struct {
	ID, URL string
	Type    PageType
	// Published and Source are the page's stored date and its provenance.
	Published time.Time
	Source    string
	// Date is the date most live listings show beside their link to the
	// page (the earliest among equals), zero when none shows one; Listings
	// is how many show it.
	Date     time.Time
	Listings int
}

// Cited is a live document page with the live pages that cite it (not
// listings), newest first.
type Cited struct {
	ID, URL string
	Title   string
	// Published and Source are the document's stored date and its
	// provenance; CitedBy its stored citing pages.
	Published time.Time
	Source    string
	CitedBy   []Link
	// Citing are the pages whose text links to the document, at most 20,
	// with their dates; LinkText is the text of the first such link.
	Citing   []CitingPage
	LinkText string
}

// CitingPage is a page linking to a document.
type CitingPage struct {
	Link
	Published time.Time
}

// Derived is what the crawler decides of a page from the rest of the site.
type Derived struct {
	Type            PageType
	Title           string
	Published       time.Time
	PublishedSource string
	CitedBy         []Link
}
