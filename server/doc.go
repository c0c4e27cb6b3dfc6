// Package server is the HTTP layer of missionsearch: a gorilla/mux router
// with the JSON API (search, suggestions, documents, admin reindex, OpenAPI
// document), the operational endpoints (/healthz, /readyz, /metrics), the
// CSV/JSONL export, and the French web page rendered from package ui.
//
// Every missionsearch.Error code maps to one HTTP status in writeError;
// other errors are logged and answered with a generic 500. Middleware adds
// security headers, panic recovery, an access log and Prometheus metrics,
// CORS for the configured origins, a per-client rate limit, request
// timeouts, gzip, and ETag/Cache-Control on cacheable GET responses.
//
// The package sits on package search only: it never imports bleve, index or
// store (layers_test.go checks it).
package server
