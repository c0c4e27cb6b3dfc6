package entity_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/missionsearch/missionsearch"
	"github.com/missionsearch/missionsearch/entity"
)

func TestParseReportsBadLines(t *testing.T) {
	in := "# comment\n" +
		"un | OIM | IOM\n" +
		"planet | Mars\n" + // line 3: unknown kind
		"city\n" + // line 4: no canonical name
		"city | Oujda | IOM\n" + // line 5: form of line 2
		"region,donor | Rif\n" // line 6: donor on a region
	_, err := entity.Parse("site.txt", strings.NewReader(in))
	if err == nil {
		t.Fatal("Parse accepted bad lines")
	}
	for _, want := range []string{"site.txt:3: unknown kind", "site.txt:4: want", "site.txt:5: the form \"IOM\" is already on line 2", "site.txt:6: unknown kind"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not say %q", err, want)
		}
	}
	if strings.Contains(err.Error(), "site.txt:2:") {
		t.Errorf("error %q blames the good line 2", err)
	}
}

func TestShippedGazetteerParses(t *testing.T) {
	e := entity.Shipped()
	if len(e) < 300 {
		t.Fatalf("the shipped gazetteer has %d entries, want hundreds", len(e))
	}
	i := slices.IndexFunc(e, func(e entity.Entry) bool { return e.Canonical == "OIM" })
	if i < 0 || !slices.Contains(e[i].Forms, "IOM") || !slices.Contains(e[i].Forms, "المنظمة الدولية للهجرة") || e[i].Line == 0 {
		t.Errorf("OIM entry %+v lacks its EN or AR form or its line", e[i])
	}
}

func TestExtract(t *testing.T) {
	for _, c := range []struct {
		text string
		want entity.Entities
	}{
		{"L'OIM, l'IOM et المنظمة الدولية للهجرة : une seule organisation.",
			entity.Entities{Partners: []string{"OIM"}}},
		{"Un atelier à Rabat, en Côte d’Ivoire et en Guinée-Bissau, en Afrique de l'Ouest.",
			entity.Entities{Places: []string{"Rabat", "Côte d'Ivoire", "Guinée-Bissau", "Afrique de l'Ouest"}}},
		// Common words are not places or acronyms: sale, oriental, pam, un.
		{"Une rue sale, un tapis oriental, le module pam, un bit.",
			entity.Entities{}},
		{"Salé et l'Oriental ; le PAM.",
			entity.Entities{Partners: []string{"PAM"}, Places: []string{"Salé", "Oriental"}}},
		// The longest form wins: no Europe in the Council of Europe.
		{"Le Conseil de l'Europe et l'ONUDC.",
			entity.Entities{Partners: []string{"Conseil de l'Europe", "ONUDC"}}},
		// Countries as governments and donors, else places.
		{"L'ambassadeur du Japon a salué le projet, financé par l'Union européenne et la Suisse. Des migrants du Mali et de France.",
			entity.Entities{Partners: []string{"Japon", "Union européenne", "Suisse"}, Places: []string{"Mali", "France"}}},
		{"La Suisse soutient la réintégration.", entity.Entities{Partners: []string{"Suisse"}}},
		{"le ministère des Affaires étrangères, le ministère chargé de la Jeunesse et le ministère de la Santé prévoit",
			entity.Entities{Partners: []string{"Ministère des Affaires étrangères", "Ministère de la Jeunesse", "Ministère de la Santé"}}},
		{"Le Bureau et le gouvernorat de Médenine ; les conseils régionaux du Souss-Massa et de l'Oriental.",
			entity.Entities{Partners: []string{"Gouvernorat de Médenine", "Conseil régional du Souss-Massa", "Conseil régional de l'Oriental"},
				Places: []string{"Médenine", "Souss-Massa", "Oriental"}}},
		{"a déclaré la cheffe du Bureau, Mme Nadia Ferchichi. Mme Ferchichi a ajouté.",
			entity.Entities{People: []missionsearch.Person{{Name: "Nadia Ferchichi", Role: "cheffe du Bureau"}}}},
		{"S.E. M. Jean de La Fontaine, puis le président afghan Hamid Karzai et Navi Pillay, haute-commissaire.",
			entity.Entities{People: []missionsearch.Person{{Name: "Jean de La Fontaine"}, {Name: "Hamid Karzai", Role: "président afghan"},
				{Name: "Navi Pillay", Role: "haute-commissaire"}}}},
		// A capitalised run is no name without a title or a role.
		{"Journée Mondiale des Migrants à Casablanca. Le Directeur Général Adjoint.",
			entity.Entities{Places: []string{"Casablanca"}}},
	} {
		if diff := cmp.Diff(c.want, entity.Extract(c.text)); diff != "" {
			t.Errorf("Extract(%q) (-want +got):\n%s", c.text, diff)
		}
	}
}

func TestSiteGazetteerOverrides(t *testing.T) {
	site, err := entity.Parse("site.txt", strings.NewReader("ngo | AMDH | Association marocaine des droits humains\nignore | Casablanca\ncity | Tours\n"))
	if err != nil {
		t.Fatal(err)
	}
	g := entity.New(site)
	got := g.Extract("L'Association marocaine des droits humains à Casablanca, Tours et Rabat.")
	want := entity.Entities{Partners: []string{"AMDH"}, Places: []string{"Tours", "Rabat"}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("with the site's file (-want +got):\n%s", diff)
	}
	if got := entity.Extract("Casablanca, Tours"); !slices.Equal(got.Places, []string{"Casablanca"}) {
		t.Errorf("the shipped gazetteer gives %v, want Casablanca only (a site's file is not global)", got.Places)
	}
}
