package extract

import (
	"testing"
	"time"
)

func TestParseDate(t *testing.T) {
	tests := []struct {
		in   string
		want time.Time // zero: no date
	}{
		// French, with and without accents, abbreviations, ordinals.
		{"1er juin 2024", day(2024, 6, 1)},
		{"01 aout 2024", day(2024, 8, 1)},
		{"01 août 2024", day(2024, 8, 1)},
		{"12 février 2019", day(2019, 2, 12)},
		{"12 fevrier 2019", day(2019, 2, 12)},
		{"12 FÉVRIER 2019", day(2019, 2, 12)},
		{"3 janv. 2020", day(2020, 1, 3)},
		{"3 févr. 2020", day(2020, 2, 3)},
		{"25 décembre 2021", day(2021, 12, 25)},
		{"25 decembre 2021", day(2021, 12, 25)},
		{"7 sept. 2017", day(2017, 9, 7)},
		{"mardi 4 juin 2024", day(2024, 6, 4)},
		{"Publié le 30 juillet 2016", day(2016, 7, 30)},
		{"le 14 mars 2023 à 10h30", day(2023, 3, 14)},
		// Ranges give the first day.
		{"les 10 et 11 avril 2018", day(2018, 4, 10)},
		{"du 3 au 5 mai 2022", day(2022, 5, 3)},
		{"du 30 avril au 2 mai 2022", day(2022, 4, 30)},
		{"10-11 octobre 2019", day(2019, 10, 10)},
		// Datelines.
		{"Tanger – 01 aout 2024 – Un espace d'accueil", day(2024, 8, 1)},
		{"Tanger — 01 aout 2024", day(2024, 8, 1)},
		{"Tanger - 01 aout 2024", day(2024, 8, 1)},
		{"Beni Mellal, 1er juin 2021 – Les autorités", day(2021, 6, 1)},
		{"Fès, les 10 et 11 avril 2018 – L'atelier", day(2018, 4, 10)},
		// Numeric.
		{"07/30/2016", day(2016, 7, 30)},
		{"7/4/2016", day(2016, 4, 7)},    // day first, as French pages write it
		{"05/10/2021", day(2021, 10, 5)}, // 5 October, not 10 May
		{"30/07/2016", day(2016, 7, 30)},
		{"30.07.2016", day(2016, 7, 30)},
		{"2024-06-01", day(2024, 6, 1)},
		{"2024-06-01T23:30:00+02:00", day(2024, 6, 1)},
		{"2024/06/01", day(2024, 6, 1)},
		// English.
		{"June 1, 2024", day(2024, 6, 1)},
		{"June 1st, 2024", day(2024, 6, 1)},
		{"1 June 2024", day(2024, 6, 1)},
		{"Sep 9, 2015", day(2015, 9, 9)},
		{"Tuesday 4 June 2024", day(2024, 6, 4)},
		// Arabic, with Arabic-Indic digits too.
		{"5 نونبر 2022", day(2022, 11, 5)},
		{"٥ نوفمبر ٢٠٢٢", day(2022, 11, 5)},
		// Leap years.
		{"29 février 2024", day(2024, 2, 29)},
		// Negatives.
		{"", time.Time{}},
		{"pas de date ici", time.Time{}},
		{"31 février 2024", time.Time{}},
		{"29 février 2023", time.Time{}},
		{"31 avril 2020", time.Time{}},
		{"02/30/2020", time.Time{}},
		{"13/13/2020", time.Time{}},
		{"2024-13-01", time.Time{}},
		{"2024-00-10", time.Time{}},
		{"1 juin 1989", time.Time{}},
		{"1 juin 2101", time.Time{}},
		{"0 juin 2024", time.Time{}},
		{"32 juin 2024", time.Time{}},
		{"juin 2024", time.Time{}},  // no day
		{"30 juillet", time.Time{}}, // no year
		{"loi 27-14 promulguée en août 2016", time.Time{}},
		{"12345 juin 2024", time.Time{}},
		{"1 juinet 2024", time.Time{}},
		{"+33 1 23 45 67 89", time.Time{}},
	}
	for _, tt := range tests {
		got, ok := ParseDate(tt.in)
		if ok != !tt.want.IsZero() || !got.Equal(tt.want) {
			t.Errorf("ParseDate(%q) = %v, %v; want %v, %v", tt.in, got, ok, tt.want, !tt.want.IsZero())
		}
		if ok && (got.Location() != time.UTC || got.Hour() != 0 || got.Minute() != 0) {
			t.Errorf("ParseDate(%q) = %v, want midnight UTC", tt.in, got)
		}
	}
}

// TestParseDateOrder checks the three readings of numeric dates: day first
// (French and Arabic pages), month first (a page known to write so) and
// unambiguous only (English pages), and that dates with month names do not
// depend on the order.
func TestParseDateOrder(t *testing.T) {
	tests := []struct {
		in    string
		order NumericOrder
		want  time.Time
	}{
		{"05/10/2021", DayFirst, day(2021, 10, 5)},
		{"05/10/2021", MonthFirst, day(2021, 5, 10)},
		{"05/10/2021", Unambiguous, time.Time{}},
		{"07/30/2016", DayFirst, day(2016, 7, 30)},
		{"07/30/2016", Unambiguous, day(2016, 7, 30)},
		{"30/07/2016", MonthFirst, day(2016, 7, 30)},
		{"30/07/2016", Unambiguous, day(2016, 7, 30)},
		{"12/12/2020", Unambiguous, day(2020, 12, 12)},
		{"5 oct. 2021", Unambiguous, day(2021, 10, 5)},
		{"le 5 octobre 2021", MonthFirst, day(2021, 10, 5)},
		{"October 5, 2021", DayFirst, day(2021, 10, 5)},
	}
	for _, tt := range tests {
		got, ok := ParseDateOrder(tt.in, tt.order)
		if ok != !tt.want.IsZero() || !got.Equal(tt.want) {
			t.Errorf("ParseDateOrder(%q, %d) = %v, %v; want %v", tt.in, tt.order, got, ok, tt.want)
		}
	}
	for _, tt := range []struct {
		in    string
		order NumericOrder
		known bool
	}{
		{"05/10/2021 · 07/30/2016", MonthFirst, true},
		{"05/10/2021 · 30/07/2016", DayFirst, true},
		{"05/10/2021 · 04/03/2020", DayFirst, false},
		{"le 5 octobre 2021", DayFirst, false},
	} {
		if got, known := NumericOrderOf(tt.in); got != tt.order || known != tt.known {
			t.Errorf("NumericOrderOf(%q) = %d, %v; want %d, %v", tt.in, got, known, tt.order, tt.known)
		}
	}
}

func TestParseMachineDate(t *testing.T) {
	tests := []struct {
		in   string
		want time.Time
	}{
		{"2016-07-30T01:00:00+01:00", day(2016, 7, 30)},
		{"2016-07-30T00:00:00Z", day(2016, 7, 30)},
		{"2016-07-30", day(2016, 7, 30)},
		{"2016-07-30T12:00:00", day(2016, 7, 30).Add(12 * time.Hour)},
		{"2016-07-30T12:00:00+0200", day(2016, 7, 30).Add(10 * time.Hour)},
		{"30 juillet 2016", day(2016, 7, 30)},
		{"1880-01-01", time.Time{}},
		{"n'importe quoi", time.Time{}},
	}
	for _, tt := range tests {
		got, ok := parseMachineDate(tt.in)
		if ok != !tt.want.IsZero() || !got.Equal(tt.want) {
			t.Errorf("parseMachineDate(%q) = %v, %v; want %v", tt.in, got, ok, tt.want)
		}
	}
}
