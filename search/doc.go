// Package search turns a search request (words, filters, facets, sort,
// page) into bleve searches over a missionsearch index and returns results
// in missionsearch's own types: hits with safe HTML snippets, multi-select
// facet counts, a spelling suggestion, and as-you-type title suggestions.
//
// The query language is ParseQuery's, made for people; bleve's query-string
// syntax is never exposed. Text is matched per language field (see package
// index): French, English and Arabic stems, the unstemmed title, a typo
// tolerant alternative, and a bonus for the whole query found as a phrase.
//
// This package knows nothing of HTTP: it never imports net/http. Its
// exported API is free of bleve types except for New's argument.
package search
