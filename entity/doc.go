// Package entity finds the partners, people and places a page names: the
// organisations (UN agencies, ministries, embassies, NGOs, donors), the
// people with their role, and the cities, regions and countries, in French,
// English and Arabic text.
//
// Organisations and places come from a gazetteer: the shipped one
// (gazetteer.txt, embedded), to which a site adds its own entries in the
// same format (Parse, New). People are found by patterns: a title ("M.",
// "Mme", "S.E.") or a role ("le ministre", "l'ambassadeur") next to a run
// of capitalised words. Extraction favours precision over recall: a word
// is tagged only when a gazetteer form or a pattern says so, never for
// being capitalised alone.
//
// It imports only the root package, the standard library and
// golang.org/x/text; every function is safe for concurrent use.
package entity
