package entity

import (
	"slices"
	"strings"

	"github.com/missionsearch/missionsearch"
)

// Entities are the partners, people and places a text names, each once,
// in the order of their first mention.
type Entities struct {
	// Partners are canonical names of organisations: gazetteer entries,
	// countries named as governments, embassies or donors ("Japon"),
	// ministries ("Ministère de la Santé") and administrations named with
	// their place ("Gouvernorat de Médenine").
	Partners []string
	// People are the people named after a title or beside their role.
	People []missionsearch.Person
	// Places are canonical names of gazetteer places.
	Places []string
}

// MaxPerKind is the most partners, people or places Extract returns.
const MaxPerKind = 50

// Extract returns the entities text names according to the shipped
// gazetteer (Default).
func Extract(text string) Entities { return Default().Extract(text) }

// Extract returns the entities text names. It favours precision over
// recall:
//
//   - a gazetteer form is matched as whole words, without accents or
//     letter case except as the form asks (see gazetteer.txt), the longest
//     form first; a form's words are not matched across punctuation;
//   - a country is a partner when it follows "gouvernement", "ambassade",
//     "ambassadeur" … ("l'ambassadeur du Japon", "l'ambassade américaine"),
//     and, for a donor country, when its sentence says earlier that the
//     work is funded or supported ("financé par l'Union européenne et la
//     Suisse") or when a verb of support follows it ("la Suisse soutient");
//     it is a place otherwise;
//   - "ministère de/des/du" followed by capitalised words is a ministry,
//     named by them ("Ministère des Affaires étrangères"); "gouvernorat",
//     "wilaya" or "conseil régional" followed by a gazetteer place is that
//     administration, and the place is also a place;
//   - a person is the run of capitalised words after a title (M., Mme,
//     Mlle, Dr, Pr, S.E., Son Excellence, Monsieur, Madame), or a run of
//     two capitalised words or more right after a role ("le président
//     afghan Hamid Karzai", "la cheffe du Bureau, Nadia Ferchichi") or
//     right before one after a comma ("Navi Pillay, haute-commissaire");
//     the role is the words from the role word to the name. A run that
//     holds a gazetteer form or a common capitalised word (Journée,
//     Bureau, a month) is not a name. A surname alone that ends a longer
//     name of the text is that person.
//
// At most MaxPerKind entities of each kind are returned; the lists are nil
// when empty.
func (g *Gazetteer) Extract(text string) Entities {
	x := &extraction{g: g, toks: tokenize(text), text: text}
	x.run()
	return x.result()
}

type extraction struct {
	g        *Gazetteer
	toks     []token
	text     string
	partners []string
	places   []string
	people   []missionsearch.Person
}

func (x *extraction) run() {
	donor := false // the sentence said the work is funded or supported
	for i := 0; i < len(x.toks); {
		if x.toks[i].sentenceStart() {
			donor = false
		}
		if x.donorTrigger(i) {
			donor = true
		}
		if n := x.government(i); n > 0 {
			i += n
			continue
		}
		if n := x.ministry(i); n > 0 {
			i += n
			continue
		}
		if n := x.administration(i); n > 0 {
			i += n
			continue
		}
		if n := x.person(i); n > 0 {
			i += n
			continue
		}
		if f, n := x.g.match(x.toks, i); f != nil {
			e := f.entry
			switch {
			case e.Kind == KindIgnore:
			case e.Kind.Partner():
				x.partners = appendNew(x.partners, e.Canonical)
			case e.Kind == KindCountry && e.Donor && (donor || x.supportVerb(i+n)):
				x.partners = appendNew(x.partners, e.Canonical)
			case e.Kind.Place():
				x.places = appendNew(x.places, e.Canonical)
			}
			i += n
			continue
		}
		i++
	}
}

// appendNew appends s to list unless it holds it (compared folded).
func appendNew(list []string, s string) []string {
	f := fold(s)
	if slices.ContainsFunc(list, func(o string) bool { return fold(o) == f }) {
		return list
	}
	return append(list, s)
}

func (x *extraction) result() Entities {
	var e Entities
	e.Partners = capped(x.partners)
	e.Places = capped(x.places)
	// A surname alone ("Mme Benkirane") is the longer name it ends.
	var people []missionsearch.Person
	for _, p := range x.people {
		f := " " + fold(p.Name)
		if slices.ContainsFunc(x.people, func(o missionsearch.Person) bool {
			of := fold(o.Name)
			return len(of) > len(f)-1 && strings.HasSuffix(" "+of, f) && of != f[1:]
		}) {
			continue
		}
		people = append(people, p)
	}
	if len(people) > MaxPerKind {
		people = people[:MaxPerKind]
	}
	e.People = people
	return e
}

func capped(l []string) []string {
	if len(l) > MaxPerKind {
		return l[:MaxPerKind]
	}
	return l
}

func (x *extraction) fold(i int) string {
	if i < 0 || i >= len(x.toks) {
		return ""
	}
	return x.toks[i].fold
}

// joined reports whether token i exists and follows the previous one
// without punctuation.
func (x *extraction) joined(i int) bool { return i < len(x.toks) && x.toks[i].gap == "" }

// donorTrigger reports whether the words at i say that what follows funds
// or supports the work: "financé par", "soutenue par", "funded by", "avec
// le soutien de", "grâce au financement de".
func (x *extraction) donorTrigger(i int) bool {
	w := x.fold(i)
	switch w {
	case "finance", "financee", "finances", "financees", "cofinance", "cofinancee", "cofinances", "cofinancees",
		"soutenu", "soutenue", "soutenus", "soutenues", "funded", "supported", "co-funded":
		return x.joined(i+1) && (x.fold(i+1) == "par" || x.fold(i+1) == "by")
	case "soutien", "financement", "financements", "support", "funding":
		prev := x.fold(i - 1)
		return x.toks[i].gap == "" && (prev == "le" || prev == "au" || prev == "son" || prev == "du" || prev == "leur" || prev == "with") &&
			x.joined(i+1) && (x.fold(i+1) == "de" || x.fold(i+1) == "du" || x.fold(i+1) == "des" || x.fold(i+1) == "d" || x.fold(i+1) == "of" || x.fold(i+1) == "from")
	}
	return false
}

// supportVerb reports whether the words at i are a verb of support or
// funding ("soutient", "finance", "a accordé").
func (x *extraction) supportVerb(i int) bool {
	if !x.joined(i) {
		return false
	}
	switch x.fold(i) {
	case "soutient", "soutiennent", "finance", "financent", "renouvelle", "renouvellent", "accorde", "octroie",
		"appuie", "appuient", "contribue", "supports", "funds", "cofinance":
		return true
	case "a", "ont", "has", "have":
		switch x.fold(i + 1) {
		case "accorde", "renouvele", "finance", "octroye", "soutenu", "verse", "contribue", "funded", "supported", "cofinance":
			return x.joined(i + 1)
		}
	}
	return false
}

// governmentAdjectives name a country's government by an adjective
// ("l'ambassade américaine").
var governmentAdjectives = map[string]string{
	"americaine": "États-Unis", "americain": "États-Unis", "francaise": "France", "francais": "France",
	"japonaise": "Japon", "japonais": "Japon", "suisse": "Suisse", "allemande": "Allemagne", "allemand": "Allemagne",
	"espagnole": "Espagne", "espagnol": "Espagne", "italienne": "Italie", "italien": "Italie", "belge": "Belgique",
	"britannique": "Royaume-Uni", "neerlandaise": "Pays-Bas", "neerlandais": "Pays-Bas", "canadienne": "Canada",
	"canadien": "Canada", "marocaine": "Maroc", "marocain": "Maroc", "tunisienne": "Tunisie", "tunisien": "Tunisie",
}

// government matches "gouvernement du Japon", "ambassade de France",
// "l'ambassadeur du Japon", "Embassy of Japan", "l'ambassade américaine"
// at i: the country is a partner. It returns the number of words, 0 when
// none.
func (x *extraction) government(i int) int {
	switch x.fold(i) {
	case "gouvernement", "ambassade", "ambassadeur", "ambassadrice", "ambassades", "ambassadeurs",
		"government", "embassy", "ambassador":
	default:
		return 0
	}
	if c, ok := governmentAdjectives[x.fold(i+1)]; ok && x.joined(i+1) {
		x.partners = appendNew(x.partners, c)
		return 2
	}
	j := i + 1
	for n := 0; n < 2 && x.joined(j); n++ {
		switch x.fold(j) {
		case "du", "de", "des", "d", "la", "l", "of", "the":
			j++
			continue
		}
		break
	}
	if j == i+1 || !x.joined(j) {
		return 0
	}
	f, n := x.g.match(x.toks, j)
	if f == nil || f.entry.Kind != KindCountry {
		return 0
	}
	x.partners = appendNew(x.partners, f.entry.Canonical)
	return j + n - i
}

// ministryAdjectives are endings of the lower-case adjectives a ministry's
// name may hold after a capitalised word ("Affaires étrangères", "Santé
// publique", "Formation professionnelle").
var ministryAdjectives = []string{"ere", "eres", "ale", "ales", "al", "aux", "elle", "elles", "ique", "iques",
	"ieur", "ieure", "aire", "aires", "ienne", "iennes", "aine", "aines", "ive", "ives"}

// ministry matches "ministère de la Santé", "Ministère des Affaires
// étrangères", "ministère chargé de la Jeunesse", "Ministry of Health" at
// i. It returns the number of words, 0 when none.
func (x *extraction) ministry(i int) int {
	w := x.fold(i)
	if w != "ministere" && w != "ministry" {
		return 0
	}
	j := i + 1
	if !x.joined(j) {
		return 0
	}
	switch x.fold(j) {
	case "charge", "chargee", "delegue", "deleguee":
		j++
	}
	prep := j
	for n := 0; n < 2 && x.joined(j); n++ {
		switch x.fold(j) {
		case "de", "du", "des", "d", "la", "l", "of", "the":
			j++
			continue
		}
		break
	}
	if j == prep || !x.joined(j) || !x.toks[j].upper {
		return 0
	}
	end := j // the last word of the name
	for k := j + 1; x.joined(k); k++ {
		t := x.toks[k]
		switch {
		case t.upper:
			end = k
		case slices.Contains([]string{"et", "de", "du", "des", "d", "la", "l", "and", "of", "the"}, t.fold):
			continue
		case x.toks[k-1].upper && k-1 == end && hasSuffix(t.fold, ministryAdjectives):
			end = k
		default:
			k = len(x.toks)
		}
	}
	name := strings.Join(strings.Fields(x.text[x.toks[prep].start:x.toks[end].end]), " ")
	head := "Ministère "
	if w == "ministry" {
		head = "Ministry "
	}
	x.partners = appendNew(x.partners, head+name)
	return end + 1 - i
}

func hasSuffix(s string, suffixes []string) bool {
	for _, suf := range suffixes {
		if strings.HasSuffix(s, suf) && len(s) > len(suf)+2 {
			return true
		}
	}
	return false
}

// administration matches "gouvernorat de Médenine", "wilaya de Tanger",
// "conseil régional de l'Oriental" (and "conseils régionaux du Souss-Massa
// et de l'Oriental") at i: each is a partner and its place a place. It
// returns the number of words, 0 when none.
func (x *extraction) administration(i int) int {
	var head string
	j := i + 1
	switch x.fold(i) {
	case "gouvernorat":
		head = "Gouvernorat"
	case "wilaya":
		head = "Wilaya"
	case "conseil", "conseils":
		if !x.joined(i+1) || x.fold(i+1) != "regional" && x.fold(i+1) != "regionaux" {
			return 0
		}
		head, j = "Conseil régional", i+2
	default:
		return 0
	}
	found := 0
	for {
		prep, k := x.preposition(j)
		if k == j || !x.joined(k) {
			break
		}
		f, n := x.g.match(x.toks, k)
		if f == nil || f.entry.Kind != KindCity && f.entry.Kind != KindRegion {
			break
		}
		x.partners = appendNew(x.partners, head+" "+prep+f.entry.Canonical)
		x.places = appendNew(x.places, f.entry.Canonical)
		found, j = k+n, k+n
		if x.fold(j) != "et" || !x.joined(j) {
			break
		}
		j++
	}
	if found == 0 {
		return 0
	}
	return found - i
}

// preposition reads "de", "du", "de la", "de l'", "d'" at j and returns it
// as written before a name ("de l'", "du ") and the index after it.
func (x *extraction) preposition(j int) (string, int) {
	if !x.joined(j) {
		return "", j
	}
	switch x.fold(j) {
	case "du":
		return "du ", j + 1
	case "d":
		return "d'", j + 1
	case "de":
		if x.joined(j + 1) {
			switch x.fold(j + 1) {
			case "la":
				return "de la ", j + 2
			case "l":
				return "de l'", j + 2
			}
		}
		return "de ", j + 1
	}
	return "", j
}

// FoldName returns the form in which names are compared: lower case,
// without diacritics, spaces normalised.
func FoldName(s string) string { return strings.Join(strings.Fields(fold(s)), " ") }
