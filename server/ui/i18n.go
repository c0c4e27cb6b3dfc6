package ui

import (
	"fmt"
	"html/template"
	"strconv"
	"strings"
	"time"

	"golang.org/x/text/language"
	"golang.org/x/text/message"
	"golang.org/x/text/message/catalog"
)

// The page in French, English and Arabic. Messages are keyed by their
// French text (the page's first language) in a golang.org/x/text catalog;
// Tr is one language's view of it, with the dates, numbers and labels of
// that language.

// Languages of the UI, the first being the default.
var Languages = []string{"fr", "en", "ar"}

var uiTags = []language.Tag{language.French, language.English, language.Arabic}

var matcher = language.NewMatcher(uiTags)

// Negotiate returns the UI language of an Accept-Language header value:
// fr, en or ar, French when none matches.
func Negotiate(acceptLanguage string) string {
	tags, _, err := language.ParseAcceptLanguage(acceptLanguage)
	if err != nil || len(tags) == 0 {
		return "fr"
	}
	_, i, conf := matcher.Match(tags...)
	if conf == language.No {
		return "fr"
	}
	return Languages[i]
}

// IsLanguage reports whether l is a UI language.
func IsLanguage(l string) bool { return l == "fr" || l == "en" || l == "ar" }

// Tr is the UI in one language.
type Tr struct {
	// Lang is "fr", "en" or "ar"; Dir is "rtl" for Arabic, else "ltr".
	Lang, Dir string
	p         *message.Printer
}

var trs = func() map[string]*Tr {
	b := catalog.NewBuilder(catalog.Fallback(language.French))
	for key, tr := range messages {
		b.SetString(language.French, key, key)
		if tr[0] != "" {
			b.SetString(language.English, key, tr[0])
		}
		if tr[1] != "" {
			b.SetString(language.Arabic, key, tr[1])
		}
	}
	out := map[string]*Tr{}
	for i, l := range Languages {
		dir := "ltr"
		if l == "ar" {
			dir = "rtl"
		}
		tag := uiTags[i]
		if l == "ar" {
			// Latin digits, as Maghreb sites write them and as the page
			// shows them (page numbers, counts).
			tag = language.MustParse("ar-u-nu-latn")
		}
		out[l] = &Tr{Lang: l, Dir: dir, p: message.NewPrinter(tag, message.Catalog(b))}
	}
	return out
}()

// For returns the UI in language l (French for an unknown one).
func For(l string) *Tr {
	if t, ok := trs[l]; ok {
		return t
	}
	return trs["fr"]
}

// S returns the message whose French text is key, in t's language, with
// args formatted as fmt does.
func (t *Tr) S(key string, args ...any) string { return t.p.Sprintf(key, args...) }

// Isolated returns the message key in t's language as HTML, with each
// argument escaped and isolated in a <bdi> (a query in another script
// keeps its direction).
func (t *Tr) Isolated(key string, args ...any) template.HTML {
	wrapped := make([]any, len(args))
	for i, a := range args {
		wrapped[i] = "\ue000" + fmt.Sprint(a) + "\ue001"
	}
	out := template.HTMLEscapeString(t.p.Sprintf(key, wrapped...))
	out = strings.NewReplacer("\ue000", "<bdi>", "\ue001", "</bdi>").Replace(out)
	return template.HTML(out)
}

// Plural returns the message of n in t's language: one for n < 2, else
// many (both keys are French messages with a %s for the number).
func (t *Tr) Plural(n int, one, many string) string {
	k := many
	if n < 2 {
		k = one
	}
	return t.S(k, t.Number(n))
}

// MonthYear names a month of a year in t's language ("octobre 2021");
// month 0 gives the year alone.
func (t *Tr) MonthYear(year, month int) string {
	y := strconv.Itoa(year)
	if month < 1 || month > 12 {
		return y
	}
	switch t.Lang {
	case "en":
		return monthsEN[month-1] + " " + y
	case "ar":
		return monthsAR[month-1] + " " + y
	}
	return months[month-1] + " " + y
}

// Section returns the name of a site section in t's language.
func (t *Tr) Section(s string) string {
	if l, ok := sectionLabels[s]; ok {
		return t.S(l)
	}
	return s
}

// LangName returns the name of the language code l in t's language
// ("en" is "Anglais", "English", "الإنجليزية").
func (t *Tr) LangName(l string) string {
	if s, ok := langLabels[l]; ok {
		return t.S(s)
	}
	return l
}

// Type returns the name of a page type in t's language.
func (t *Tr) Type(typ string) string {
	if s, ok := typeLabels[typ]; ok {
		return t.S(s)
	}
	return typ
}

var monthsEN = [...]string{"January", "February", "March", "April", "May", "June", "July", "August",
	"September", "October", "November", "December"}

// Moroccan Arabic month names, as the mission sites write them.
var monthsAR = [...]string{"يناير", "فبراير", "مارس", "أبريل", "ماي", "يونيو", "يوليوز", "غشت",
	"شتنبر", "أكتوبر", "نونبر", "دجنبر"}

// Date writes t's day in t's language: "1er juin 2024", "1 June 2024",
// "1 يونيو 2024". The zero time gives "".
func (t *Tr) Date(d time.Time) string {
	if d.IsZero() {
		return ""
	}
	switch t.Lang {
	case "en":
		return strconv.Itoa(d.Day()) + " " + monthsEN[d.Month()-1] + " " + strconv.Itoa(d.Year())
	case "ar":
		return strconv.Itoa(d.Day()) + " " + monthsAR[d.Month()-1] + " " + strconv.Itoa(d.Year())
	}
	return FormatDate(d)
}

// Number writes n with the digit grouping of t's language: a narrow
// no-break space in French and Arabic (Latin digits, as Maghreb sites
// write them), a comma in English.
func (t *Tr) Number(n int) string {
	s := FormatNumber(n)
	if t.Lang == "en" {
		return strings.ReplaceAll(s, "\u202f", ",")
	}
	return s
}

// messages are the page's texts: French key → English, Arabic.
var messages = map[string][2]string{
	// Page frame.
	"Recherche sur %s":                {"Search %s", "البحث في %s"},
	"le site de la mission":           {"the mission's website", "موقع البعثة"},
	"Site de la mission":              {"Mission website", "موقع البعثة"},
	"Aller au contenu":                {"Skip to content", "الانتقال إلى المحتوى"},
	"Retour au site":                  {"Back to the website", "العودة إلى الموقع"},
	"Rechercher sur le site":          {"Search the website", "ابحث في الموقع"},
	"Rechercher":                      {"Search", "بحث"},
	"Suggestions":                     {"Suggestions", "اقتراحات"},
	"{n} suggestion disponible":       {"{n} suggestion available", "{n} اقتراح متاح"},
	"{n} suggestions disponibles":     {"{n} suggestions available", "{n} اقتراحات متاحة"},
	"Recherche du site de la mission": {"The mission website's search", "البحث في موقع البعثة"},
	"Langue de la page":               {"Page language", "لغة الصفحة"},
	"Astuces : « expression exacte », %s pour exclure, %s entre deux mots.": {"Tips: \"exact phrase\", %s to exclude, %s between two words.", "نصائح: «عبارة كاملة»، %s للاستبعاد، %s بين كلمتين."},
	"-mot":                               {"-word", "-كلمة"},
	"OU":                                 {"OR", "OR"},
	"Résultats de recherche":             {"Search results", "نتائج البحث"},
	"Résultats de recherche pour « %s »": {"Search results for \"%s\"", "نتائج البحث عن «%s»"},
	"%s résultat":                        {"%s result", "%s نتيجة"},
	"%s résultats":                       {"%s results", "%s نتيجة"},
	"Aucun résultat":                     {"No results", "لا توجد نتائج"},
	"page %d sur %d":                     {"page %d of %d", "الصفحة %d من %d"},
	"page %d":                            {"page %d", "الصفحة %d"},
	"Affiner la recherche":               {"Refine the search", "تدقيق البحث"},
	"Filtres actifs":                     {"Active filters", "المرشحات المفعلة"},
	"Retirer le filtre %s : %s":          {"Remove the filter %s: %s", "إزالة المرشح %s: %s"},
	"Effacer tous les filtres":           {"Clear all filters", "مسح كل المرشحات"},
	"Essayez avec l'orthographe :":       {"Try the spelling:", "جرّب الإملاء:"},
	"%s page contient tous vos mots ; les suivantes n'en contiennent qu'une partie.":     {"%s page has all your words; the next ones have only some of them.", "%s صفحة تحتوي على كل كلماتك؛ الصفحات التالية تحتوي على بعضها فقط."},
	"%s pages contiennent tous vos mots ; les suivantes n'en contiennent qu'une partie.": {"%s pages have all your words; the next ones have only some of them.", "%s صفحات تحتوي على كل كلماتك؛ الصفحات التالية تحتوي على بعضها فقط."},
	"Résultats approchants pour « %s »":                                                  {"Approximate results for \"%s\"", "نتائج تقريبية لـ «%s»"},
	"Date dans la recherche":                                                             {"Date in the search", "التاريخ في البحث"},
	"Une partie des mots":                                                                {"Some of the words", "بعض الكلمات"},
	"Approchant":                                                                         {"Approximate", "تقريبي"},
	"Aucune page ne contient tous vos mots : voici les pages qui en contiennent une partie.": {"No page has all your words: here are the pages with some of them.", "لا توجد صفحة تحتوي على كل كلماتك: إليك الصفحات التي تحتوي على بعضها."},
	"Aucun résultat pour « %s »":                                                          {"No results for \"%s\"", "لا توجد نتائج عن «%s»"},
	"Quelques pistes :":                                                                   {"A few ideas:", "بعض الاقتراحات:"},
	"vérifiez l'orthographe des mots, ou essayez un synonyme ;":                           {"check the spelling of the words, or try a synonym;", "تحقق من إملاء الكلمات، أو جرّب مرادفاً؛"},
	"utilisez des mots plus généraux, ou moins de mots ;":                                 {"use more general words, or fewer words;", "استعمل كلمات أعم، أو كلمات أقل؛"},
	"retirez un des filtres ci-dessus ;":                                                  {"remove one of the filters above;", "أزل أحد المرشحات أعلاه؛"},
	"les accents et les majuscules ne comptent pas : « evenement » trouve « événement ».": {"accents and capitals do not matter: \"evenement\" finds \"événement\".", "الحركات والأحرف الكبيرة لا تهم: «evenement» تجد «événement»."},
	"Vue résultats":         {"Results view", "عرض النتائج"},
	"Vue liste (personnel)": {"List view (staff)", "عرض القائمة (للموظفين)"},
	"Exporter CSV":          {"Export CSV", "تصدير CSV"},
	"Exporter pour Excel":   {"Export for Excel", "تصدير لـ Excel"},
	"Exporter JSONL":        {"Export JSONL", "تصدير JSONL"},
	"Pages trouvées, les plus récentes d'abord": {"Pages found, newest first", "الصفحات الموجودة، الأحدث أولاً"},
	"Date":                       {"Date", "التاريخ"},
	"Titre":                      {"Title", "العنوان"},
	"Rubrique":                   {"Section", "القسم"},
	"Site":                       {"Site", "الموقع"},
	"Langue":                     {"Language", "اللغة"},
	"Thèmes":                     {"Topics", "المواضيع"},
	"Thème":                      {"Topic", "الموضوع"},
	"Partenaires":                {"Partners", "الشركاء"},
	"Partenaire":                 {"Partner", "الشريك"},
	"Personnes":                  {"People", "الأشخاص"},
	"Personne":                   {"Person", "الشخص"},
	"Lieux":                      {"Places", "الأماكن"},
	"Lieu":                       {"Place", "المكان"},
	"Type":                       {"Type", "النوع"},
	"Année":                      {"Year", "السنة"},
	"Type de page":               {"Page type", "نوع الصفحة"},
	"Document PDF":               {"PDF document", "وثيقة PDF"},
	"Annexe de :":                {"Annex of:", "ملحق بـ:"},
	"Aussi en :":                 {"Also in:", "متوفر أيضاً بـ:"},
	"Pagination":                 {"Pagination", "ترقيم الصفحات"},
	"Précédent":                  {"Previous", "السابق"},
	"Suivant":                    {"Next", "التالي"},
	"Page %d, page actuelle":     {"Page %d, current page", "الصفحة %d، الصفحة الحالية"},
	"Page %d":                    {"Page %d", "الصفحة %d"},
	"Période":                    {"Period", "الفترة"},
	"Du":                         {"From", "من"},
	"Au":                         {"To", "إلى"},
	"Trier":                      {"Sort", "الترتيب"},
	"Trier par":                  {"Sort by", "ترتيب حسب"},
	"pertinence":                 {"relevance", "الملاءمة"},
	"date (plus récent d'abord)": {"date (newest first)", "التاريخ (الأحدث أولاً)"},
	"Appliquer les filtres":      {"Apply the filters", "تطبيق المرشحات"},
	"API":                        {"API", "API"},
	// Labels.
	"Actualités":            {"News", "الأخبار"},
	"Récits":                {"Stories", "قصص"},
	"Communiqués de presse": {"Press releases", "بلاغات صحفية"},
	"Événements":            {"Events", "فعاليات"},
	"Français":              {"French", "الفرنسية"},
	"Anglais":               {"English", "الإنجليزية"},
	"Arabe":                 {"Arabic", "العربية"},
	"Articles":              {"Articles", "مقالات"},
	"Listes de pages":       {"Page lists", "قوائم الصفحات"},
	"Pages":                 {"Pages", "صفحات"},
	"Documents PDF":         {"PDF documents", "وثائق PDF"},
	// Errors.
	"Votre recherche n'a pas pu aboutir":                                {"Your search could not be completed", "تعذر إتمام بحثك"},
	"Votre recherche n'est pas valide":                                  {"Your search is not valid", "بحثك غير صالح"},
	"Vérifiez les mots et les filtres de la recherche, puis réessayez.": {"Check the words and filters of the search, then try again.", "تحقق من كلمات البحث ومرشحاته، ثم أعد المحاولة."},
	"La recherche est momentanément indisponible":                       {"Search is temporarily unavailable", "البحث غير متاح مؤقتاً"},
	"Veuillez réessayer dans un instant.":                               {"Please try again in a moment.", "يرجى المحاولة بعد قليل."},
	"Une erreur interne s'est produite. Veuillez réessayer plus tard.":  {"An internal error occurred. Please try again later.", "حدث خطأ داخلي. يرجى المحاولة لاحقاً."},
	"Trop de requêtes":                                                  {"Too many requests", "طلبات كثيرة جداً"},
	"Trop de requêtes. Veuillez patienter %d s et réessayer.":           {"Too many requests. Please wait %d s and try again.", "طلبات كثيرة جداً. يرجى الانتظار %d ثانية ثم إعادة المحاولة."},
	"Page introuvable":                                                  {"Page not found", "الصفحة غير موجودة"},
	"Cette adresse ne correspond à aucune page de la recherche.":        {"This address matches no page of the search.", "هذا العنوان لا يطابق أي صفحة من صفحات البحث."},
}
