package crawler

import (
	"bytes"
	"context"
	"errors"

	"github.com/missionsearch/missionsearch/crawler/extract"
	"github.com/missionsearch/missionsearch/crawler/pdftext"
)

// PDF documents: fetched like pages (scope, robots.txt, politeness), read
// up to MaxDocumentBytes, their text extracted by Config.PDF in a
// subprocess, and stored as document pages. At most maxPDFJobs are
// extracted at once, whatever the crawl's concurrency: each runs two
// processes of up to the extractor's memory limit.

// maxPDFJobs bounds the concurrent PDF extractions.
const maxPDFJobs = 2

// isPDF reports whether a media type is a PDF document.
func isPDF(mt string) bool { return mt == "application/pdf" || mt == "application/x-pdf" }

// isPDFBody reports whether a body is a PDF whatever the type it was
// served with: it starts with "%PDF-" (after at most a few bytes of
// junk, as readers allow).
func isPDFBody(b []byte) bool {
	return bytes.Contains(b[:min(len(b), 64)], []byte("%PDF-"))
}

// pageSpec is how a page URL's body is read: HTML up to MaxBodyBytes and,
// when PDFs are extracted, PDFs up to MaxDocumentBytes.
func (c *Crawler) pageSpec() readSpec {
	if c.cfg.PDF == nil {
		return readSpec{limit: c.cfg.MaxBodyBytes, want: isHTML}
	}
	return readSpec{
		limit: c.cfg.MaxBodyBytes,
		want:  func(mt string) bool { return isHTML(mt) || isPDF(mt) },
		limitFor: func(mt string) int64 {
			if isPDF(mt) {
				return c.cfg.MaxDocumentBytes
			}
			return c.cfg.MaxBodyBytes
		},
	}
}

// gotPDF extracts and stores the PDF document of p.
func (c *Crawler) gotPDF(ctx context.Context, p *pageFetch) {
	select {
	case c.pdfJobs <- struct{}{}:
	case <-ctx.Done():
		return
	}
	doc, err := c.cfg.PDF.Extract(ctx, p.resp.body)
	<-c.pdfJobs
	if err != nil {
		if ctx.Err() != nil && errors.Is(err, ctx.Err()) {
			return // the crawl is stopping: not the document's fault
		}
		c.skipDocument(ctx, p, pdftext.Reason(err), err)
		return
	}
	res, err := extract.ExtractDocument(p.u, extract.Document{Title: doc.Title, Subject: doc.Subject,
		Keywords: doc.Keywords, Lang: doc.Lang, Created: doc.Created, Modified: doc.Modified, Text: doc.Text},
		c.cfg.Extract)
	if err != nil {
		c.skipDocument(ctx, p, "broken", err)
		return
	}
	p.storeURL = p.t.url
	c.storePage(ctx, p, res)
}

// skipDocument records a PDF that was not stored and why (reason is a
// pdftext.Reason label).
func (c *Crawler) skipDocument(ctx context.Context, p *pageFetch, reason string, err error) {
	if reason == "" {
		reason = "broken"
	}
	c.count(func(s *Stats) {
		if s.DocumentsSkipped == nil {
			s.DocumentsSkipped = map[string]int{}
		}
		s.DocumentsSkipped[reason]++
	})
	if c.putSkipped(ctx, p) {
		c.log.Warn("PDF not indexed", "url", p.t.url, "reason", reason, "err", err)
	}
}
