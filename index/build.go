package index

import (
	"fmt"
	"log/slog"
	"sync"

	"github.com/blevesearch/bleve/v2"

	"github.com/missionsearch/missionsearch"
)

// A Build is an open index build, pinned by each search that reads it:
// Acquire before the first read, Release after the last. A build that Live
// has replaced stays open while any search still holds it, and is closed
// by the last Release, so a search sees one build from its start to its
// end, whatever is published meanwhile.
//
// A Build also holds the state that belongs to it and to no request (the
// search package's date order, facet bitmaps and typo candidates): see
// State. That state lives and dies with the build.
//
// A Build's methods are safe for concurrent use.
type Build struct {
	id     string
	idx    bleve.Index
	text   *TextCodec // reads the pages idx stores
	owned  bool       // the last Release closes idx
	logger *slog.Logger

	mu     sync.Mutex
	refs   int
	closed bool

	state sync.Map // State's values, by key
}

// Fixed returns idx as a Build whose references never close it: the caller
// keeps idx, writes to it if it is writable, and closes it. It is for
// indexes made outside a Dir (tests, tools), whose pages are stored by
// Document, without a dictionary; a Dir's builds are served through Live.
func Fixed(idx bleve.Index) *Build {
	return &Build{idx: idx, text: plainText, logger: slog.New(slog.DiscardHandler)}
}

// newLiveBuild returns the build id, open as idx, with one reference: the
// one its Live holds until it replaces it.
func newLiveBuild(id string, idx bleve.Index, text *TextCodec, logger *slog.Logger) *Build {
	return &Build{id: id, idx: idx, text: text, owned: true, logger: logger, refs: 1}
}

// Page rebuilds the page record of document id of the build from its
// stored fields (see TextCodec.Page), with the build's text codec.
func (b *Build) Page(id string, fields map[string]any) (*missionsearch.Page, error) {
	return b.text.Page(id, fields)
}

// ID returns the build's id ("" for a Fixed build).
func (b *Build) ID() string { return b.id }

// Index returns the build's bleve index. It is valid until the Release
// that matches the caller's Acquire, and must not be closed by the caller.
func (b *Build) Index() bleve.Index { return b.idx }

// Acquire pins b for one more user and returns it; each successful Acquire
// needs exactly one Release. It fails with an EUNAVAILABLE error wrapping
// bleve.ErrorIndexClosed once the last reference is gone.
func (b *Build) Acquire() (*Build, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.closed {
		return nil, fmt.Errorf("index: build %s: %w", b.id, unavailable(bleve.ErrorIndexClosed))
	}
	b.refs++
	return b, nil
}

// Release gives back one reference. The last one of a build that Live
// opened closes its index; a Fixed build's index is left to its owner.
func (b *Build) Release() {
	b.mu.Lock()
	b.refs--
	if b.refs > 0 || b.closed {
		b.mu.Unlock()
		return
	}
	if b.refs < 0 {
		b.mu.Unlock()
		panic("index: Build released more often than acquired")
	}
	if !b.owned {
		b.mu.Unlock()
		return
	}
	b.closed = true
	b.mu.Unlock()
	b.state.Clear()
	if err := b.idx.Close(); err != nil {
		b.logger.Warn("closing a replaced build", "build", b.id, "err", err)
	}
	b.text.Close()
}

// State returns the build's value for key, made by mk on its first use.
// Two first uses at once may both call mk; one result is kept and
// returned to both, so mk must be cheap and free of side effects (a value
// that is costly to fill fills itself on demand, under its own lock, and
// never from a request's context). Keys follow the rules of context keys:
// an unexported type of the caller's package.
func (b *Build) State(key any, mk func() any) any {
	if v, ok := b.state.Load(key); ok {
		return v
	}
	v, _ := b.state.LoadOrStore(key, mk())
	return v
}

// unavailable wraps err as an EUNAVAILABLE *missionsearch.Error that says
// the index is not ready, keeping err for errors.Is.
func unavailable(err error) error {
	return &unavailableError{err: err}
}

type unavailableError struct{ err error }

func (e *unavailableError) Error() string { return e.err.Error() }
func (e *unavailableError) Unwrap() []error {
	return []error{e.err, missionsearch.Errorf(missionsearch.EUNAVAILABLE,
		"The search index is not ready. Please try again in a moment.")}
}
