package entity

import (
	"strings"

	"github.com/missionsearch/missionsearch"
)

// roleWords start a person's role ("le ministre de l'Intérieur", "la
// cheffe du Bureau", "President").
var roleWords = map[string]bool{
	"ministre": true, "ambassadeur": true, "ambassadrice": true, "president": true, "presidente": true,
	"directeur": true, "directrice": true, "secretaire": true, "chef": true, "cheffe": true,
	"representant": true, "representante": true, "coordinateur": true, "coordinatrice": true,
	"maire": true, "gouverneur": true, "wali": true, "consul": true, "consule": true, "commissaire": true,
	"depute": true, "deputee": true, "senateur": true, "senatrice": true, "delegue": true, "deleguee": true,
	"conseiller": true, "conseillere": true, "administrateur": true, "administratrice": true,
	"fondateur": true, "fondatrice": true, "porte": true, // porte-parole
	"minister": true, "ambassador": true, "director": true, "representative": true, "coordinator": true,
	"mayor": true, "governor": true, "spokesperson": true, "commissioner": true, "secretary": true,
}

// isRole reports whether token i starts a role: a role word, or "haut(e)"
// before "commissaire".
func (x *extraction) isRole(i int) bool {
	w := x.fold(i)
	if w == "haut" || w == "haute" || w == "high" {
		return x.joined(i+1) && roleWords[x.fold(i+1)]
	}
	if w == "porte" {
		return x.joined(i+1) && x.fold(i+1) == "parole"
	}
	return roleWords[w]
}

// notNames are capitalised words that do not belong to a person's name.
var notNames = map[string]bool{
	"le": true, "la": true, "les": true, "l": true, "un": true, "une": true, "des": true, "du": true, "de": true,
	"ce": true, "cette": true, "ces": true, "et": true, "en": true, "a": true, "au": true, "aux": true, "pour": true,
	"par": true, "dans": true, "sur": true, "avec": true, "selon": true, "depuis": true, "apres": true, "lors": true,
	"the": true, "of": true, "and": true, "in": true, "on": true, "at": true, "for": true, "to": true,
	"journee": true, "bureau": true, "mission": true, "programme": true, "projet": true, "conseil": true,
	"ministere": true, "ministre": true, "etat": true, "etats": true, "gouvernement": true, "republique": true,
	"royaume": true, "union": true, "monsieur": true, "madame": true, "agence": true, "office": true,
	"fondation": true, "association": true, "institut": true, "centre": true, "commission": true, "direction": true,
	"instance": true, "comite": true, "reseau": true, "forum": true, "semaine": true, "pacte": true, "plan": true,
	"covid": true, "nations": true, "unies": true, "international": true, "internationale": true, "national": true,
	"nationale": true, "general": true, "generale": true, "excellence": true, "sa": true, "son": true, "ses": true,
	"janvier": true, "fevrier": true, "mars": true, "avril": true, "mai": true, "juin": true, "juillet": true,
	"aout": true, "septembre": true, "octobre": true, "novembre": true, "decembre": true,
	"lundi": true, "mardi": true, "mercredi": true, "jeudi": true, "vendredi": true, "samedi": true, "dimanche": true,
}

// nameParticles may stand inside a name, between capitalised words.
var nameParticles = map[string]bool{"de": true, "du": true, "d": true, "le": true, "la": true, "van": true, "von": true,
	"der": true, "den": true, "ben": true, "bin": true, "ould": true, "el": true, "al": true, "ibn": true, "da": true,
	"dos": true, "di": true, "y": true}

// name reads the run of capitalised words of a person's name at i (the
// first word may follow punctuation: the title's dot, a comma) and
// returns its end (the index after it), or i when there is none. A run
// that holds a gazetteer form or a word of notNames is no name.
func (x *extraction) name(i int) int {
	end := i
	for k := i; k < len(x.toks) && k < i+6; k++ {
		t := x.toks[k]
		switch {
		case k > i && t.gap != "":
			return end
		case k > i && nameParticles[t.fold]:
			// kept only when a capitalised word follows
		case t.upper:
			if notNames[t.fold] {
				return i
			}
			if f, _ := x.g.match(x.toks, k); f != nil {
				return i
			}
			end = k + 1
		default:
			return end
		}
	}
	return end
}

// words returns the text of tokens [i, j), spaces normalised.
func (x *extraction) words(i, j int) string {
	if i >= j {
		return ""
	}
	return strings.Join(strings.Fields(x.text[x.toks[i].start:x.toks[j-1].end]), " ")
}

// title reports whether a title starts at i and returns the index after
// it: "M.", "Mme", "Mlle", "Dr", "Pr", "S.E.", "Son Excellence",
// "Monsieur", "Madame", "Mr", "Mrs", "Ms".
func (x *extraction) title(i int) int {
	if i >= len(x.toks) {
		return i
	}
	t := x.toks[i]
	if !t.upper {
		return i
	}
	dot := t.end < len(x.text) && x.text[t.end] == '.'
	switch x.text[t.start:t.end] {
	case "M":
		if dot {
			return i + 1
		}
	case "Mme", "Mmes", "Mlle", "Dr", "Pr", "Me", "Mr", "Mrs", "Ms", "Monsieur", "Madame":
		if x.text[t.start:t.end] == "Me" && !dot {
			return i
		}
		return i + 1
	case "S":
		if dot && i+1 < len(x.toks) && x.text[x.toks[i+1].start:x.toks[i+1].end] == "E" {
			return i + 2
		}
	case "Son", "Sa", "His", "Her":
		if x.joined(i+1) && x.fold(i+1) == "excellence" {
			return i + 2
		}
	}
	return i
}

// person matches a person at i (see Extract) and returns the number of
// words it took, 0 when none.
func (x *extraction) person(i int) int {
	// A title, perhaps two ("S.E. M."), then the name.
	if j := x.title(i); j > i {
		if k := x.title(j); k > j {
			j = k
		}
		end := x.name(j)
		if end == j {
			return 0
		}
		x.addPerson(x.words(j, end), x.roleBefore(i))
		return end - i
	}
	// A role, then the name: "le président afghan Hamid Karzai", "la
	// cheffe du Bureau, Nadia Ferchichi".
	if x.isRole(i) {
		upperSeen := false
		for k := i + 1; k < len(x.toks) && k <= i+9; k++ {
			t := x.toks[k]
			if t.gap != "" && t.gap != "," {
				return 0
			}
			if x.title(k) > k {
				return 0 // the title takes it, with this role
			}
			if t.gap == "," || t.upper && !upperSeen {
				end := x.name(k)
				if end-k >= 2 && x.nameEnds(end) {
					x.addPerson(x.words(k, end), x.words(i, k))
					return end - i
				}
				if t.gap == "," {
					return 0
				}
			}
			if t.upper {
				upperSeen = true
			}
		}
		return 0
	}
	// A name, a comma and a role: "Navi Pillay, haute-commissaire des
	// Nations unies".
	if x.toks[i].upper && (i == 0 || x.toks[i].gap != "" || !x.toks[i-1].upper) {
		end := x.name(i)
		if end-i < 2 || end >= len(x.toks) || x.toks[end].gap != "," {
			return 0
		}
		r := end
		switch x.fold(r) {
		case "le", "la", "l", "the":
			if x.joined(r + 1) {
				r++
			}
		}
		if !x.isRole(r) {
			return 0
		}
		stop := r + 1
		for stop < len(x.toks) && x.toks[stop].gap == "" && stop < r+12 {
			stop++
		}
		x.addPerson(x.words(i, end), x.words(r, stop))
		return end - i
	}
	return 0
}

// nameEnds reports whether a name may end before token end: at the end of
// the text, before punctuation or before a lower-case word.
func (x *extraction) nameEnds(end int) bool {
	return end >= len(x.toks) || x.toks[end].gap != "" || !x.toks[end].upper
}

// roleBefore returns the role that ends right before the title at i in
// the same sentence ("la cheffe du Bureau, Mme …"), "" when none.
func (x *extraction) roleBefore(i int) string {
	for k := i - 1; k >= 0 && k >= i-8; k-- {
		if x.toks[k+1].gap != "" && x.toks[k+1].gap != "," {
			return ""
		}
		if x.isRole(k) {
			return strings.TrimRight(x.words(k, i), " ,")
		}
	}
	return ""
}

func (x *extraction) addPerson(name, role string) {
	f := fold(name)
	for i, p := range x.people {
		if fold(p.Name) == f {
			if p.Role == "" {
				x.people[i].Role = role
			}
			return
		}
	}
	x.people = append(x.people, missionsearch.Person{Name: name, Role: role})
}
