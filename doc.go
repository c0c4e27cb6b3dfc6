// Package missionsearch is the vocabulary shared by every layer of the
// missionsearch service: the crawled Page record, its language, the crawl
// state kept per URL, and the Error type whose codes the HTTP server maps to
// status codes.
//
// The data flows one way:
//
//	site → crawler → store → indexer → index → search → server
//
// and each package imports only the layers before it (see doc/design.md).
// This package imports nothing from the module.
package missionsearch
