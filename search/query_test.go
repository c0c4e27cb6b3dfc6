package search

import (
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

	"github.com/google/go-cmp/cmp"

	"github.com/missionsearch/missionsearch"
)

func w(s string) Term  { return Term{Text: s} }
func ph(s string) Term { return Term{Text: s, Phrase: true} }

func TestParseQuery(t *testing.T) {
	tests := []struct {
		name, in string
		want     Query
		str      string // want.String(); "" when it is the input
	}{
		{"empty", "", Query{}, ""},
		{"blank", " \t\n ", Query{}, ""},
		{"words", "atelier traite 2021", Query{Clauses: []Clause{{w("atelier")}, {w("traite")}, {w("2021")}}}, ""},
		{"accents and case kept", "Événements à FÈS", Query{Clauses: []Clause{{w("Événements")}, {w("à")}, {w("FÈS")}}}, ""},
		{"elision kept", "l'évènement l’accueil", Query{Clauses: []Clause{{w("l'évènement")}, {w("l’accueil")}}}, ""},
		{"punctuation trimmed", "(migration), asile! ¿qué?", Query{Clauses: []Clause{{w("migration")}, {w("asile")}, {w("qué")}}}, "migration asile qué"},
		{"inner punctuation kept", "covid-19 www.example.org", Query{Clauses: []Clause{{w("covid-19")}, {w("www.example.org")}}}, ""},
		{"lone punctuation dropped", "a , - + ... b", Query{Clauses: []Clause{{w("a")}, {w("b")}}}, "a b"},
		{"phrase", `"droits de l'homme" maroc`, Query{Clauses: []Clause{{ph("droits de l'homme")}, {w("maroc")}}}, ""},
		{"curly quotes", `“droits de l’homme”`, Query{Clauses: []Clause{{ph("droits de l’homme")}}}, `"droits de l’homme"`},
		{"guillemets", `« état civil »`, Query{Clauses: []Clause{{ph("état civil")}}}, `"état civil"`},
		{"unclosed quote", `maroc "droits de`, Query{Clauses: []Clause{{w("maroc")}, {ph("droits de")}}}, `maroc "droits de"`},
		{"empty phrase", `a "" b " "`, Query{Clauses: []Clause{{w("a")}, {w("b")}}}, "a b"},
		{"phrase spaces", `"  droits   de  l'homme "`, Query{Clauses: []Clause{{ph("droits de l'homme")}}}, `"droits de l'homme"`},
		{"phrase glued to words", `a"b c"d`, Query{Clauses: []Clause{{w("a")}, {ph("b c")}, {w("d")}}}, `a "b c" d`},
		{"exclusion", "visa -schengen", Query{Clauses: []Clause{{w("visa")}}, Excluded: []Term{w("schengen")}}, ""},
		{"phrase exclusion", `visa -"long séjour"`, Query{Clauses: []Clause{{w("visa")}}, Excluded: []Term{ph("long séjour")}}, ""},
		{"exclusion only", "-covid", Query{Excluded: []Term{w("covid")}}, ""},
		{"exclusions go last", "-a b", Query{Clauses: []Clause{{w("b")}}, Excluded: []Term{w("a")}}, "b -a"},
		{"double minus", "--a", Query{Excluded: []Term{w("a")}}, "-a"},
		{"plus ignored", "+visa", Query{Clauses: []Clause{{w("visa")}}}, "visa"},
		{"OR", "tanger OR tétouan", Query{Clauses: []Clause{{w("tanger"), w("tétouan")}}}, ""},
		{"OU", "tanger OU tétouan", Query{Clauses: []Clause{{w("tanger"), w("tétouan")}}}, "tanger OR tétouan"},
		{"OR chain", "a OR b OR c d", Query{Clauses: []Clause{{w("a"), w("b"), w("c")}, {w("d")}}}, ""},
		{"OR with phrase", `a OR "b c"`, Query{Clauses: []Clause{{w("a"), ph("b c")}}}, ""},
		{"lower-case or is a word", "a or b", Query{Clauses: []Clause{{w("a")}, {w("or")}, {w("b")}}}, ""},
		{"leading OR", "OR a", Query{Clauses: []Clause{{w("a")}}}, "a"},
		{"trailing OR", "a OR", Query{Clauses: []Clause{{w("a")}}}, "a"},
		{"double OR", "a OR OR b", Query{Clauses: []Clause{{w("a"), w("b")}}}, "a OR b"},
		{"OR after exclusion", "a -b OR c", Query{Clauses: []Clause{{w("a")}, {w("c")}}, Excluded: []Term{w("b")}}, "a c -b"},
		{"OR before exclusion", "a OR -b c", Query{Clauses: []Clause{{w("a")}, {w("c")}}, Excluded: []Term{w("b")}}, "a c -b"},
		{"excluded OR is a word", "a -OR", Query{Clauses: []Clause{{w("a")}}, Excluded: []Term{w("OR")}}, ""},
		{"punctuated OR", "a (OR) b", Query{Clauses: []Clause{{w("a"), w("b")}}}, "a OR b"},
		{"arabic", "المغرب -الرباط", Query{Clauses: []Clause{{w("المغرب")}}, Excluded: []Term{w("الرباط")}}, ""},
		{"arabic with harakat", "مَدْرَسَة", Query{Clauses: []Clause{{w("مَدْرَسَة")}}}, ""},
		{"control characters separate", "a\x00b\x1bc", Query{Clauses: []Clause{{w("a")}, {w("b")}, {w("c")}}}, "a b c"},
		{"invalid utf-8 separates", "a\xffb", Query{Clauses: []Clause{{w("a")}, {w("b")}}}, "a b"},
		{"html stays text", `<script>alert(1)</script>`, Query{Clauses: []Clause{{w("script>alert(1)</script")}}}, "script>alert(1)</script"},
		{"bleve syntax is text", `title:visa^5 +date:>2020 /re.*/ vi?a~2`, Query{Clauses: []Clause{{w("title:visa^5")}, {w("date:>2020")}, {w("re")}, {w("vi?a~2")}}}, "title:visa^5 date:>2020 re vi?a~2"},
		{"16 terms", strings.Repeat("a ", 15) + "-b", Query{Clauses: repeatClause("a", 15), Excluded: []Term{w("b")}}, strings.Repeat("a ", 15) + "-b"},
		{"256 characters", strings.Repeat("é", 256), Query{Clauses: []Clause{{w(strings.Repeat("é", 256))}}}, ""},
		{"spaces do not count", strings.Repeat(" ", 500) + "visa", Query{Clauses: []Clause{{w("visa")}}}, "visa"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParseQuery(tt.in)
			if err != nil {
				t.Fatalf("ParseQuery(%q): %v", tt.in, err)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("ParseQuery(%q) (-want +got):\n%s", tt.in, diff)
			}
			str := tt.str
			if str == "" && tt.name != "empty" && tt.name != "blank" {
				str = tt.in
			}
			if s := got.String(); s != str {
				t.Errorf("ParseQuery(%q).String() = %q, want %q", tt.in, s, str)
			}
		})
	}
}

func repeatClause(s string, n int) []Clause {
	cs := make([]Clause, n)
	for i := range cs {
		cs[i] = Clause{w(s)}
	}
	return cs
}

func TestParseQueryLimits(t *testing.T) {
	tests := []struct{ name, in string }{
		{"257 characters", strings.Repeat("é", 257)},
		{"257 characters once normalised", strings.Repeat("é", 200) + `"` + strings.Repeat("é", 56)},
		{"1025 characters of spaces", strings.Repeat(" ", 1021) + "visa"},
		{"17 words", strings.Repeat("a ", 17)},
		{"17 terms with exclusions and phrases", strings.Repeat(`a -b "c d" `, 5) + "x OR y"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ParseQuery(tt.in)
			if code := missionsearch.ErrorCode(err); code != missionsearch.EINVALID {
				t.Fatalf("ParseQuery error %v (code %q), want %q", err, code, missionsearch.EINVALID)
			}
			if msg := missionsearch.ErrorMessage(err); !strings.Contains(msg, "Please") {
				t.Errorf("message %q does not tell what to do", msg)
			}
		})
	}
}

// FuzzParseQuery checks that ParseQuery never panics, that its output stays
// within the limits and is well formed, and that String is parsed back to
// the same query.
func FuzzParseQuery(f *testing.F) {
	for _, s := range []string{
		"", "atelier traite 2021", `"droits de l'homme" -visa`, "a OR b OR -c", `« état civil`,
		"l’évènement", "المغرب OR بالمغرب", "--a ++b", `"a""b"`, "a\x00\xff", "(OR)",
		`title:x^2 /re/ ~1`, strings.Repeat("a ", 16),
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		q, err := ParseQuery(s)
		if err != nil {
			if missionsearch.ErrorCode(err) != missionsearch.EINVALID {
				t.Fatalf("ParseQuery(%q): error %v is not EINVALID", s, err)
			}
			return
		}
		if q.Len() > MaxQueryTerms {
			t.Fatalf("ParseQuery(%q): %d terms", s, q.Len())
		}
		check := func(tm Term) {
			if tm.Text == "" || strings.TrimSpace(tm.Text) != tm.Text || !utf8.ValidString(tm.Text) {
				t.Fatalf("ParseQuery(%q): bad term %q", s, tm.Text)
			}
			if utf8.RuneCountInString(tm.Text) > MaxQueryRunes {
				t.Fatalf("ParseQuery(%q): term of %d characters", s, utf8.RuneCountInString(tm.Text))
			}
			for _, r := range tm.Text {
				if isQuote(r) || unicode.IsControl(r) || (!tm.Phrase && unicode.IsSpace(r)) {
					t.Fatalf("ParseQuery(%q): term %q has %q", s, tm.Text, r)
				}
			}
		}
		for _, c := range q.Clauses {
			if len(c) == 0 {
				t.Fatalf("ParseQuery(%q): empty clause", s)
			}
			for _, tm := range c {
				check(tm)
			}
		}
		for _, tm := range q.Excluded {
			check(tm)
		}
		str := q.String()
		if n := utf8.RuneCountInString(str); n > 2*MaxQueryRunes {
			t.Fatalf("ParseQuery(%q).String() has %d characters", s, n)
		}
		q2, err := ParseQuery(str)
		if err != nil {
			t.Fatalf("ParseQuery(%q) of String() of ParseQuery(%q): %v", str, s, err)
		}
		if diff := cmp.Diff(q, q2); diff != "" {
			t.Fatalf("ParseQuery(%q) then String %q parses differently (-first +second):\n%s", s, str, diff)
		}
	})
}
