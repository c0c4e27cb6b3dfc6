package wpsite

import (
	"fmt"
	"time"
)

// link is a labelled hyperlink.
type link struct {
	Href, Label string
}

// labels holds the fixed texts of the theme in one language.
type labels struct {
	Lang, HTMLLang, Locale, Dir string
	Prefix                      string // "" for French, "/en" or "/ar"
	SiteName, Tagline           string
	Menu                        []link
	Recent, Categories          string
	Archives, Tags, Search      string
	SearchButton                string
	By, Filed, Tagged           string
	Posted                      string // prefix of a prose or numeric byline
	Older, Newer                string // post navigation
	Next, Prev, Pagination      string // listing pager
	Category, Tag, Author       string // archive title prefixes
	Month                       string
	Latest                      string // title of the home listing
	LangNames                   map[string]string
	Address                     []string
	Copyright                   string
	Legal                       []link
	NotFoundTitle, NotFound     string
	Months                      [12]string
	CatNames                    map[string]string
}

// categories lists the category slugs of each language, in menu order.
var categories = map[string][]string{
	"fr": {"actualites", "evenements", "communiques", "publications"},
	"en": {"news"},
	"ar": {"akhbar"},
}

// authors maps an author slug to the display name; each has an archive
// /author/<slug>/ listing the posts in every language.
var authors = map[string]string{
	"redaction":    "Rédaction",
	"leila-haddad": "Leïla Haddad",
}

var langNames = map[string]string{"fr": "Français", "en": "English", "ar": "العربية"}

var siteLabels = map[string]*labels{
	"fr": {
		Lang: "fr", HTMLLang: "fr-FR", Locale: "fr_FR", Dir: "ltr",
		SiteName: "Bureau de l'AIM en Tunisie",
		Tagline:  "Agence internationale pour les mobilités – Tunisie",
		Menu: []link{
			{"/", "Accueil"},
			{"/category/actualites/", "Actualités"},
			{"/category/evenements/", "Événements"},
			{"/category/communiques/", "Communiqués"},
			{"/category/publications/", "Publications"},
			{"/a-propos/", "À propos"},
			{"/contact/", "Contact"},
		},
		Recent: "Articles récents", Categories: "Catégories", Archives: "Archives",
		Tags: "Nuage d'étiquettes", Search: "Rechercher :", SearchButton: "Rechercher",
		By: "par", Filed: "Classé dans", Tagged: "Étiquettes :", Posted: "Publié le",
		Older: "Article précédent", Newer: "Article suivant",
		Next: "Suivant", Prev: "Précédent", Pagination: "Navigation des articles",
		Category: "Catégorie : ", Tag: "Étiquette : ", Author: "Auteur : ", Month: "Mois : ",
		Latest:        "Dernières nouvelles",
		Address:       []string{"Bureau de l'AIM en Tunisie", "Immeuble Yasmine, 7 rue des Glycines", "1053 Les Berges du Lac, Tunis", "Tél. : +216 71 000 000"},
		Copyright:     "© 2024 Bureau de l'AIM en Tunisie. Tous droits réservés. Fièrement propulsé par WordPress.",
		Legal:         []link{{"/mentions-legales/", "Mentions légales"}, {"/partenaires/", "Nos partenaires"}, {"/contact/", "Nous écrire"}},
		NotFoundTitle: "Page introuvable",
		NotFound:      "Oups ! Cette page est introuvable. Il semble que rien n'ait été trouvé à cette adresse. Essayez l'un des liens ci-dessous ou une recherche.",
		Months:        [12]string{"janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre", "novembre", "décembre"},
		CatNames:      map[string]string{"actualites": "Actualités", "evenements": "Événements", "communiques": "Communiqués", "publications": "Publications"},
	},
	"en": {
		Lang: "en", HTMLLang: "en-GB", Locale: "en_GB", Dir: "ltr", Prefix: "/en",
		SiteName: "AIM Office in Tunisia",
		Tagline:  "International Agency for Mobility – Tunisia",
		Menu: []link{
			{"/en/", "Home"},
			{"/en/category/news/", "News"},
			{"/a-propos/", "About us (French)"},
			{"/contact/", "Contact"},
		},
		Recent: "Recent Posts", Categories: "Categories", Archives: "Archives",
		Tags: "Tags", Search: "Search for:", SearchButton: "Search",
		By: "by", Filed: "Posted in", Tagged: "Tagged", Posted: "Posted on",
		Older: "Previous post", Newer: "Next post",
		Next: "Next", Prev: "Previous", Pagination: "Posts navigation",
		Category: "Category: ", Tag: "Tag: ", Author: "Author: ", Month: "Month: ",
		Latest:        "Latest news",
		Address:       []string{"AIM Office in Tunisia", "Yasmine Building, 7 rue des Glycines", "1053 Les Berges du Lac, Tunis", "Phone: +216 71 000 000"},
		Copyright:     "© 2024 AIM Office in Tunisia. All rights reserved. Proudly powered by WordPress.",
		Legal:         []link{{"/mentions-legales/", "Legal notice"}, {"/contact/", "Write to us"}},
		NotFoundTitle: "Page not found",
		NotFound:      "Oops! That page can't be found. It looks like nothing was found at this location.",
		Months:        [12]string{"January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"},
		CatNames:      map[string]string{"news": "News"},
	},
	"ar": {
		Lang: "ar", HTMLLang: "ar", Locale: "ar", Dir: "rtl", Prefix: "/ar",
		SiteName: "مكتب الوكالة الدولية للتنقل في تونس",
		Tagline:  "الوكالة الدولية للتنقل – تونس",
		Menu: []link{
			{"/ar/", "الرئيسية"},
			{"/ar/category/akhbar/", "أخبار"},
			{"/contact/", "اتصل بنا"},
		},
		Recent: "أحدث المقالات", Categories: "التصنيفات", Archives: "الأرشيف",
		Tags: "الوسوم", Search: "البحث عن:", SearchButton: "بحث",
		By: "بواسطة", Filed: "نشرت في", Tagged: "الوسوم:", Posted: "نشر في",
		Older: "المقال السابق", Newer: "المقال التالي",
		Next: "التالي", Prev: "السابق", Pagination: "تصفح المقالات",
		Category: "التصنيف: ", Tag: "الوسم: ", Author: "الكاتب: ", Month: "الشهر: ",
		Latest:        "آخر الأخبار",
		Address:       []string{"مكتب الوكالة الدولية للتنقل في تونس", "عمارة الياسمين، 7 نهج الغليسين", "1053 ضفاف البحيرة، تونس"},
		Copyright:     "© 2024 مكتب الوكالة الدولية للتنقل في تونس. جميع الحقوق محفوظة.",
		Legal:         []link{{"/mentions-legales/", "الإشعار القانوني"}, {"/contact/", "راسلونا"}},
		NotFoundTitle: "الصفحة غير موجودة",
		NotFound:      "عذرا، لم يتم العثور على هذه الصفحة.",
		Months:        [12]string{"جانفي", "فيفري", "مارس", "أفريل", "ماي", "جوان", "جويلية", "أوت", "سبتمبر", "أكتوبر", "نوفمبر", "ديسمبر"},
		CatNames:      map[string]string{"akhbar": "أخبار"},
	},
}

// frAbbr are the French abbreviated month names.
var frAbbr = [12]string{"janv.", "févr.", "mars", "avr.", "mai", "juin", "juil.", "août", "sept.", "oct.", "nov.", "déc."}

// longDate is the date as the language writes it in full: "5 octobre
// 2021" and "1er mars 2020", "October 5, 2021", "5 أكتوبر 2021".
func (l *labels) longDate(t time.Time) string {
	t = t.In(tunis)
	m := l.Months[t.Month()-1]
	switch l.Lang {
	case "en":
		return fmt.Sprintf("%s %d, %d", m, t.Day(), t.Year())
	case "fr":
		if t.Day() == 1 {
			return fmt.Sprintf("1er %s %d", m, t.Year())
		}
	}
	return fmt.Sprintf("%d %s %d", t.Day(), m, t.Year())
}

// abbrDate is the French abbreviated date: "5 oct. 2021".
func abbrDate(t time.Time) string {
	t = t.In(tunis)
	return fmt.Sprintf("%d %s %d", t.Day(), frAbbr[t.Month()-1], t.Year())
}

// numericDate is the day-first numeric date: "05/10/2021".
func numericDate(t time.Time) string {
	return t.In(tunis).Format("02/01/2006")
}

// monthName is "octobre 2021", "October 2021", "أكتوبر 2021".
func (l *labels) monthName(year int, month time.Month) string {
	return fmt.Sprintf("%s %d", l.Months[month-1], year)
}
