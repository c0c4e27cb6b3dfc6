package extract

import (
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// Year bounds of the dates ParseDate accepts; anything outside is taken for
// a number that only looks like a year.
const (
	minYear = 1990
	maxYear = 2100
)

// months maps French, English and Arabic month names and abbreviations,
// lower-cased and without accents, to month numbers.
var months = map[string]time.Month{
	"janvier": 1, "janv": 1, "jan": 1, "january": 1,
	"fevrier": 2, "fevr": 2, "fev": 2, "february": 2, "feb": 2,
	"mars": 3, "mar": 3, "march": 3,
	"avril": 4, "avr": 4, "april": 4, "apr": 4,
	"mai": 5, "may": 5,
	"juin": 6, "june": 6, "jun": 6,
	"juillet": 7, "juil": 7, "july": 7, "jul": 7,
	"aout": 8, "august": 8, "aug": 8,
	"septembre": 9, "sept": 9, "sep": 9, "september": 9,
	"octobre": 10, "oct": 10, "october": 10,
	"novembre": 11, "nov": 11, "november": 11,
	"decembre": 12, "dec": 12, "december": 12,
	// Moroccan and Middle-Eastern Arabic names.
	"يناير": 1, "فبراير": 2, "مارس": 3, "أبريل": 4, "ابريل": 4, "إبريل": 4,
	"ماي": 5, "مايو": 5, "يونيو": 6, "يونيه": 6, "يوليوز": 7, "يوليو": 7, "يوليه": 7,
	"غشت": 8, "أغسطس": 8, "اغسطس": 8, "شتنبر": 9, "سبتمبر": 9, "أكتوبر": 10, "اكتوبر": 10,
	"نونبر": 11, "نوفمبر": 11, "دجنبر": 12, "ديسمبر": 12,
}

// rangeWords join the two days of a range: "les 10 et 11 avril", "du 3 au
// 5 mai", "10 to 12 June", "10 and 11 June".
var rangeWords = map[string]bool{"et": true, "au": true, "a": true, "to": true, "and": true, "و": true, "إلى": true, "الى": true}

// token is a run of letters or digits, with the separator text before it.
type token struct {
	text string // lower-cased, accents removed, Arabic digits made ASCII
	num  int    // value when the token is all digits (≤ 9 digits), else -1
	nd   int    // number of digits when num ≥ 0
	sep  string // the non-space separator characters before the token
	ord  bool   // digits followed by an ordinal suffix: 1er, 1st, 2nd, 3rd, 4th
}

// maxDateScan bounds the input ParseDate looks at, in bytes.
const maxDateScan = 4096

// NumericOrder says how a numeric date "a/b/yyyy" is read.
type NumericOrder int

const (
	// DayFirst reads 05/10/2021 as 5 October 2021, as French and Arabic
	// pages write it; 07/30/2016, whose second number cannot be a month,
	// is read month first.
	DayFirst NumericOrder = iota
	// MonthFirst reads 05/10/2021 as May 10 only when the page is known to
	// write month first (a listing whose other dates say so); 30/07/2016
	// is read day first.
	MonthFirst
	// Unambiguous, for English pages (US and UK orders both occur), reads
	// a numeric date only when one of its numbers cannot be a month:
	// 07/30/2016 and 30/07/2016, never 05/10/2021.
	Unambiguous
)

// ParseDate returns the first calendar date written in s, at 00:00 UTC,
// reading numeric dates day first: ParseDateOrder(s, DayFirst).
func ParseDate(s string) (time.Time, bool) { return ParseDateOrder(s, DayFirst) }

// ParseDateOrder returns the first calendar date written in s, at 00:00
// UTC. It understands French dates ("1er juin 2024", "01 aout 2024",
// "mardi 4 juin 2024", "4 juil. 2024", "5 oct. 2021", accents optional),
// date ranges, of which it returns the first day ("les 10 et 11 avril
// 2018", "du 3 au 5 mai 2022", "du 30 avril au 2 mai 2022"), datelines
// ("Tanger – 01 aout 2024 –"), English dates ("June 1, 2024", "1 June
// 2024"), Arabic month names, ISO dates ("2024-06-01", also at the start
// of an RFC 3339 time, whose time and zone are ignored), numeric dates
// with slashes in the given order ("05/10/2021") and dotted or dashed
// European ones, always day first ("30.07.2016", "30-07-2016"). It reports
// false when s holds no such date, when the date does not exist (31
// février) or when the year is outside 1990..2100. Only the first 4 KiB of
// s are read.
func ParseDateOrder(s string, order NumericOrder) (time.Time, bool) {
	t, _, ok := parseDateKind(s, order)
	return t, ok
}

// parseDateKind is ParseDateOrder, also telling whether the date found was
// numeric ("05/10/2021", "30.07.2016") rather than written with a month
// name or in ISO form.
func parseDateKind(s string, order NumericOrder) (t time.Time, numeric, ok bool) {
	if len(s) > maxDateScan {
		s = s[:maxDateScan]
	}
	toks := tokenize(s)
	for i := range toks {
		if t, numeric, ok := dateAt(toks, i, order); ok {
			return t, numeric, true
		}
	}
	return time.Time{}, false, false
}

// NumericOrderOf returns the order in which the numeric dates of s are
// written when one of them says so (a first number above 12: day first; a
// second one above 12: month first), and false when none does. It reads
// ASCII digits "d/d/yyyy" only, in one pass without allocating.
func NumericOrderOf(s string) (NumericOrder, bool) {
	digits := func(i, j int) (int, bool) { // value of s[i:j], all digits
		if i < 0 || j > len(s) || i >= j {
			return 0, false
		}
		v := 0
		for k := i; k < j; k++ {
			if s[k] < '0' || s[k] > '9' {
				return 0, false
			}
			v = 10*v + int(s[k]-'0')
		}
		return v, true
	}
	isDigit := func(i int) bool { return i >= 0 && i < len(s) && s[i] >= '0' && s[i] <= '9' }
	for i := 0; i < len(s); i++ {
		if s[i] != '/' {
			continue
		}
		// s[a:i] is the first number (1 or 2 digits), s[i+1:j] the second,
		// then "/" and four digits.
		a := i
		for a > 0 && isDigit(a-1) && i-a < 2 {
			a--
		}
		if a == i || isDigit(a-1) {
			continue
		}
		j := i + 1
		for j < len(s) && isDigit(j) && j-i-1 < 2 {
			j++
		}
		if j == i+1 || j >= len(s) || s[j] != '/' {
			continue
		}
		y, ok := digits(j+1, j+5)
		if !ok || isDigit(j+5) || y < minYear || y > maxYear {
			continue
		}
		x, _ := digits(a, i)
		m, _ := digits(i+1, j)
		switch {
		case x > 12 && x <= 31 && m >= 1 && m <= 12:
			return DayFirst, true
		case m > 12 && m <= 31 && x >= 1 && x <= 12:
			return MonthFirst, true
		}
	}
	return DayFirst, false
}

// dateAt tries to read a date starting at toks[i].
func dateAt(toks []token, i int, order NumericOrder) (time.Time, bool, bool) {
	t := toks[i]
	at := func(j int) *token {
		if j < len(toks) {
			return &toks[j]
		}
		return nil
	}
	if t.num >= 0 {
		// ISO 2024-06-01 (or 2024/06/01).
		if t.nd == 4 && !t.ord {
			if m, d := at(i+1), at(i+2); m != nil && d != nil && m.num >= 0 && d.num >= 0 &&
				m.nd <= 2 && d.nd <= 2 && (m.sep == "-" && d.sep == "-" || m.sep == "/" && d.sep == "/") {
				return named(mkDate(t.num, m.num, d.num))
			}
		}
		// Numeric day/month/year: 05/10/2021, 30.07.2016.
		if t.nd <= 2 && !t.ord {
			if m, y := at(i+1), at(i+2); m != nil && y != nil && m.num >= 0 && y.num >= 0 && m.nd <= 2 && y.nd == 4 && m.sep == y.sep {
				switch m.sep {
				case "/":
					a, b := t.num, m.num
					switch {
					case a > 12:
						d, ok := mkDate(y.num, b, a)
						return d, true, ok
					case b > 12:
						d, ok := mkDate(y.num, a, b)
						return d, true, ok
					case order == Unambiguous && a != b:
						return time.Time{}, false, false
					case order == MonthFirst:
						d, ok := mkDate(y.num, a, b)
						return d, true, ok
					}
					d, ok := mkDate(y.num, b, a)
					return d, true, ok
				case ".", "-":
					d, ok := mkDate(y.num, m.num, t.num)
					return d, true, ok
				}
			}
		}
		// Day month year, with an optional range: "10 et 11 avril 2018",
		// "3 au 5 mai 2022", "10-11 avril 2018", "30 avril au 2 mai 2022".
		if t.nd <= 2 {
			j := i + 1
			if n := at(j); n != nil && rangeWords[n.text] {
				if d2 := at(j + 1); d2 != nil && d2.num >= 0 && d2.nd <= 2 {
					j += 2
				}
			} else if n != nil && n.num >= 0 && n.nd <= 2 && (n.sep == "-" || n.sep == "–") {
				j++
			}
			if m := at(j); m != nil {
				if mon, ok := months[m.text]; ok {
					y := at(j + 1)
					if y != nil && y.num >= 0 && y.nd == 4 {
						return named(mkDate(y.num, int(mon), t.num))
					}
					// "30 avril au 2 mai 2022": the year comes after the second date.
					if r := at(j + 1); r != nil && rangeWords[r.text] {
						if d2, m2, y2 := at(j+2), at(j+3), at(j+4); d2 != nil && m2 != nil && y2 != nil &&
							d2.num >= 0 && d2.nd <= 2 && y2.num >= 0 && y2.nd == 4 {
							if _, ok := months[m2.text]; ok {
								return named(mkDate(y2.num, int(mon), t.num))
							}
						}
					}
				}
			}
		}
		return time.Time{}, false, false
	}
	// English month first: "June 1, 2024", "June 1st 2024".
	if mon, ok := months[t.text]; ok {
		d, y := at(i+1), at(i+2)
		if d != nil && y != nil && d.num >= 0 && d.nd <= 2 && y.num >= 0 && y.nd == 4 {
			return named(mkDate(y.num, int(mon), d.num))
		}
	}
	return time.Time{}, false, false
}

// named is a date read with a month name or in ISO form: not numeric.
func named(t time.Time, ok bool) (time.Time, bool, bool) { return t, false, ok }

// mkDate returns the date at 00:00 UTC when it exists and its year is in
// bounds.
func mkDate(y, m, d int) (time.Time, bool) {
	if y < minYear || y > maxYear || m < 1 || m > 12 || d < 1 || d > 31 {
		return time.Time{}, false
	}
	t := time.Date(y, time.Month(m), d, 0, 0, 0, 0, time.UTC)
	if t.Day() != d || int(t.Month()) != m {
		return time.Time{}, false // 31 février rolled over
	}
	return t, true
}

// tokenize splits s into runs of letters and runs of digits.
func tokenize(s string) []token {
	var toks []token
	var sep strings.Builder
	i := 0
	for i < len(s) {
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case isDigit(r):
			j := i
			var b strings.Builder
			for j < len(s) {
				r2, sz := utf8.DecodeRuneInString(s[j:])
				if !isDigit(r2) {
					break
				}
				b.WriteByte(byte('0' + digitValue(r2)))
				j += sz
			}
			digits := b.String()
			t := token{text: digits, num: -1, nd: len(digits), sep: sep.String()}
			if len(digits) <= 9 {
				n := 0
				for k := 0; k < len(digits); k++ {
					n = n*10 + int(digits[k]-'0')
				}
				t.num = n
			}
			// Ordinal suffix glued to the digits.
			rest := strings.ToLower(s[j:min(len(s), j+3)])
			for _, suf := range []string{"er", "st", "nd", "rd", "th", "e"} {
				if strings.HasPrefix(rest, suf) {
					k := j + len(suf)
					if k >= len(s) || !isLetter(rune(s[k])) {
						t.ord = true
						j = k
						break
					}
				}
			}
			toks = append(toks, t)
			sep.Reset()
			i = j
		case isLetter(r):
			j := i
			var b strings.Builder
			for j < len(s) {
				r2, sz := utf8.DecodeRuneInString(s[j:])
				if !isLetter(r2) {
					break
				}
				b.WriteString(foldRune(r2))
				j += sz
			}
			toks = append(toks, token{text: b.String(), num: -1, sep: sep.String()})
			sep.Reset()
			i = j
		default:
			if !unicode.IsSpace(r) && r != ',' && sep.Len() < 8 {
				sep.WriteRune(r)
			}
			i += size
		}
	}
	return toks
}

func isDigit(r rune) bool {
	return r >= '0' && r <= '9' || r >= '٠' && r <= '٩' || r >= '۰' && r <= '۹'
}

func digitValue(r rune) int {
	switch {
	case r >= '0' && r <= '9':
		return int(r - '0')
	case r >= '٠' && r <= '٩':
		return int(r - '٠')
	default:
		return int(r - '۰')
	}
}

func isLetter(r rune) bool { return unicode.IsLetter(r) || unicode.Is(unicode.Mn, r) }

// foldRune lower-cases r and removes French accents.
func foldRune(r rune) string {
	switch r {
	case 'à', 'â', 'ä', 'À', 'Â', 'Ä':
		return "a"
	case 'é', 'è', 'ê', 'ë', 'É', 'È', 'Ê', 'Ë':
		return "e"
	case 'î', 'ï', 'Î', 'Ï':
		return "i"
	case 'ô', 'ö', 'Ô', 'Ö':
		return "o"
	case 'ù', 'û', 'ü', 'Ù', 'Û', 'Ü':
		return "u"
	case 'ç', 'Ç':
		return "c"
	}
	return string(unicode.ToLower(r))
}

// parseMachineDate parses the date of a meta element or a datetime
// attribute: RFC 3339, ISO date-time without zone (read as UTC), ISO date,
// or anything ParseDate understands. The result is in UTC.
func parseMachineDate(s string) (time.Time, bool) {
	s = strings.TrimSpace(s)
	if s == "" {
		return time.Time{}, false
	}
	for _, layout := range []string{time.RFC3339Nano, "2006-01-02T15:04:05Z0700", "2006-01-02T15:04:05", "2006-01-02T15:04", "2006-01-02 15:04:05", time.DateOnly} {
		if t, err := time.Parse(layout, s); err == nil {
			if t.Year() < minYear || t.Year() > maxYear {
				return time.Time{}, false
			}
			return t.UTC(), true
		}
	}
	return ParseDate(s)
}
