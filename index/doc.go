// Package index owns everything bleve-specific about storage: the static
// mapping and the French, English and Arabic analyzers (mapping.go,
// analysis.go), the compression of the stored page text (text.go), the
// versioned build directories and the atomic CURRENT pointer (Dir), the
// build lock (Dir.Lock), and Live, the current build that a server
// searches: each search pins one reference-counted Build for its whole run,
// and Live swaps to a new build with no failed request.
//
// On disk (DATA/indexes):
//
//	CURRENT                id of the live build, replaced atomically
//	LOCK                   flocked by the one process making builds
//	<build-id>/            one scorch index per build (20261129T033800Z-1a2b)
//	<build-id>/text.dict   dictionary of the build's stored text (TextCodec)
//	<build-id>/build.json  mapping version, doc count, complete: written last
//
// Builds are immutable once finished: servers open them read-only, so any
// number of processes (serve, search, read replicas) can share one, and a
// new build, full or incremental (Dir.CloneBuild), never disturbs them.
//
// index imports only the root package, bleve and zstd. Only indexer and
// search import it.
package index
