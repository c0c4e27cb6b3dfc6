package search

// Acronyms of the organisations mission sites name: a query word that is
// one of them also finds the pages that only spell the name out ("OIM"
// finds "l'Organisation internationale pour les migrations"), as if the
// visitor had typed `OIM OU "organisation internationale pour les
// migrations" OU …`. Keys are folded (lower case, no accents); the names
// are matched as phrases, through the analysis of each language. Acronyms
// that are also common words (un, eu, who, bit, pam: "64 bits", PAM
// modules) are left out, and so is any word that is a stop word.
var acronyms = map[string][]string{
	"oim":    {"organisation internationale pour les migrations", "international organization for migration", "المنظمة الدولية للهجرة"},
	"iom":    {"organisation internationale pour les migrations", "international organization for migration", "المنظمة الدولية للهجرة"},
	"onu":    {"organisation des nations unies", "nations unies", "united nations", "الأمم المتحدة"},
	"hcr":    {"haut commissariat des nations unies pour les refugies", "haut commissariat pour les refugies", "united nations high commissioner for refugees", "المفوضية السامية للأمم المتحدة لشؤون اللاجئين"},
	"unhcr":  {"haut commissariat des nations unies pour les refugies", "united nations high commissioner for refugees"},
	"unicef": {"fonds des nations unies pour l'enfance", "united nations children's fund"},
	"pnud":   {"programme des nations unies pour le developpement", "united nations development programme"},
	"undp":   {"programme des nations unies pour le developpement", "united nations development programme"},
	"ue":     {"union europeenne", "european union", "الاتحاد الأوروبي"},
	"oms":    {"organisation mondiale de la sante", "world health organization", "منظمة الصحة العالمية"},
	"oit":    {"organisation internationale du travail", "international labour organization"},
	"ilo":    {"international labour organization", "organisation internationale du travail"},
	"onudc":  {"office des nations unies contre la drogue et le crime", "united nations office on drugs and crime"},
	"unodc":  {"office des nations unies contre la drogue et le crime", "united nations office on drugs and crime"},
	"wfp":    {"world food programme", "programme alimentaire mondial"},
	"fnuap":  {"fonds des nations unies pour la population", "united nations population fund"},
	"unfpa":  {"united nations population fund", "fonds des nations unies pour la population"},
	"ong":    {"organisation non gouvernementale", "organisations non gouvernementales"},
	"cndh":   {"conseil national des droits de l'homme"},
	"mre":    {"marocains residant a l'etranger"},
}
