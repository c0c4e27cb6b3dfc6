package store

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/missionsearch/missionsearch"
)

// TestContentModelRoundTrip stores a page with every field of the content
// model and reads it back unchanged.
func TestContentModelRoundTrip(t *testing.T) {
	s := mustOpenStore(t)
	p := testPage(1)
	p.Type, p.PublishedSource = missionsearch.TypeArticle, missionsearch.DateJSONLD
	p.Headings = []string{"Contexte", "Recommandations"}
	p.Translations = []missionsearch.Link{{URL: testURL(2), Lang: missionsearch.LangEN}}
	p.CitedBy = []missionsearch.Link{{URL: testURL(3), Title: "Rapport"}}
	if err := s.PutPage(t.Context(), p, testState(1)); err != nil {
		t.Fatal(err)
	}
	got, err := s.Page(t.Context(), p.ID)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(p, got); diff != "" {
		t.Errorf("Page mismatch (-want +got):\n%s", diff)
	}
	bad := testPage(4)
	bad.Type = "news"
	if err := s.PutPage(t.Context(), bad, testState(4)); missionsearch.ErrorCode(err) != missionsearch.EINVALID {
		t.Errorf("PutPage with type %q: %v, want EINVALID", bad.Type, err)
	}
}

// TestListedDatesAndDocuments checks what the store reports of the refs of
// listings and articles: the date most listings show beside an undated
// page (not the dates of gone listings or of articles' links), nothing for
// a page with its own date, and the pages citing a document.
func TestListedDatesAndDocuments(t *testing.T) {
	ctx := t.Context()
	s := mustOpenStore(t)
	day := func(d int) time.Time { return time.Date(2021, 10, d, 0, 0, 0, 0, time.UTC) }
	undated, dated, doc := testPage(1), testPage(2), testPage(3)
	undated.Published, undated.Type = time.Time{}, missionsearch.TypeStatic
	dated.Type, dated.PublishedSource = missionsearch.TypeArticle, missionsearch.DateTime
	doc.Type, doc.Published, doc.Title = missionsearch.TypeDocument, time.Time{}, ""
	listing := func(i int, d time.Time) *missionsearch.Page {
		l := testPage(i)
		l.Type, l.Published = missionsearch.TypeListing, time.Time{}
		l.Refs = []missionsearch.Ref{{URL: undated.URL, Title: "Atelier", Date: d, Teaser: true},
			{URL: dated.URL, Title: "Autre", Date: day(9), Teaser: true}}
		return l
	}
	citing := testPage(7)
	citing.Type, citing.Published = missionsearch.TypeArticle, day(20)
	citing.Refs = []missionsearch.Ref{{URL: doc.URL, Title: "Rapport annuel (PDF)"}, {URL: undated.URL, Date: day(1), Teaser: true}}
	gone := listing(6, day(30))
	for i, p := range []*missionsearch.Page{undated, dated, doc, listing(4, day(5)), listing(5, day(5)), gone, citing} {
		st := testState(i + 1)
		st.URL = p.URL
		if err := s.PutPage(ctx, p, st); err != nil {
			t.Fatal(err)
		}
	}
	gs := testState(6)
	gs.URL, gs.Gone = gone.URL, true
	mustPutState(t, s, gs)

	var got []missionsearch.ListedDate
	if err := s.ListedDates(ctx, func(d missionsearch.ListedDate) error { got = append(got, d); return nil }); err != nil {
		t.Fatal(err)
	}
	want := []missionsearch.ListedDate{{ID: undated.ID, URL: undated.URL, Type: missionsearch.TypeStatic, Date: day(5), Listings: 2}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("ListedDates mismatch (-want +got):\n%s", diff)
	}

	var docs []missionsearch.Cited
	if err := s.Documents(ctx, func(c missionsearch.Cited) error { docs = append(docs, c); return nil }); err != nil {
		t.Fatal(err)
	}
	wantDocs := []missionsearch.Cited{{ID: doc.ID, URL: doc.URL, LinkText: "Rapport annuel (PDF)",
		Citing: []missionsearch.CitingPage{{Link: missionsearch.Link{URL: citing.URL, Title: citing.Title}, Published: day(20)}}}}
	if diff := cmp.Diff(wantDocs, docs); diff != "" {
		t.Errorf("Documents mismatch (-want +got):\n%s", diff)
	}

	before := time.Now()
	d := missionsearch.Derived{Type: missionsearch.TypeArticle, Title: undated.Title, Published: day(5), PublishedSource: missionsearch.DateTeaser}
	if err := s.SetDerived(ctx, undated.ID, d); err != nil {
		t.Fatal(err)
	}
	p, err := s.Page(ctx, undated.ID)
	if err != nil {
		t.Fatal(err)
	}
	if p.Type != d.Type || !p.Published.Equal(d.Published) || p.PublishedSource != d.PublishedSource {
		t.Errorf("after SetDerived: %s %v %s, want %s %v %s", p.Type, p.Published, p.PublishedSource, d.Type, d.Published, d.PublishedSource)
	}
	updated, _, err := s.ChangedSince(ctx, before)
	if err != nil || len(updated) != 1 || updated[0] != undated.ID {
		t.Errorf("ChangedSince after SetDerived = %v, %v; want [%s]", updated, err, undated.ID)
	}
	if err := s.SetDerived(ctx, "nope", d); missionsearch.ErrorCode(err) != missionsearch.ENOTFOUND {
		t.Errorf("SetDerived of an unknown id: %v, want ENOTFOUND", err)
	}
}
