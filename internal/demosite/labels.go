package demosite

import (
	"fmt"
	"time"
)

// link is a labelled hyperlink.
type link struct {
	Href, Label string
}

// menuItem is one top-level entry of the mega-menu, with the long
// descriptive text Drupal mega-menus show beside the sub-items.
type menuItem struct {
	Label, Href, Description string
	Children                 []link
}

// labels holds the fixed texts of the layout in one language.
type labels struct {
	Lang, Dir            string
	SiteName, OrgName    string
	HomePath, HomeTitle  string
	Welcome, Featured    string
	Rubrics              string
	SkipLink, MainNav    string
	Search, SearchButton string
	Breadcrumb, Home     string
	Recent, Related      string
	Share, ShareMail     string
	Print                string
	NewsletterTitle      string
	Newsletter           string
	NewsletterButton     string
	Published, Updated   string
	Tags                 string
	Next, Prev           string
	Pagination           string
	ContactTitle         string
	Address              []string
	FollowUs             string
	Social               []link
	Legal                []link
	PartnerArea          string
	Copyright            string
	Disclaimer           string
	Sections             map[string]string
	Menu                 []menuItem
	NotFoundTitle        string
	NotFound             string
	Months               [12]string
	DateFormat           func(l *labels, t time.Time) string
}

// phrases returns the boilerplate phrases of l: distinctive texts of the
// header, menus, breadcrumb, sidebar, share bar and footer, each present on
// every article page in l's language.
func (l *labels) phrases() []string {
	p := []string{l.SkipLink, l.MainNav, l.Breadcrumb, l.Recent, l.Related, l.Share,
		l.Newsletter, l.Address[1], l.Address[2], l.Address[3], l.Copyright, l.Disclaimer,
		l.Legal[1].Label, l.PartnerArea}
	for _, m := range l.Menu {
		if m.Description != "" {
			p = append(p, m.Description)
		}
	}
	return p
}

func (l *labels) formatDate(t time.Time) string { return l.DateFormat(l, t) }

func dayMonthYear(l *labels, t time.Time) string {
	return fmt.Sprintf("%d %s %d", t.Day(), l.Months[t.Month()-1], t.Year())
}

var social = func(lang string) []link {
	return []link{
		{"https://facebook.example.com/aim.maroc", "Facebook"},
		{"https://x.example.com/AIM_Maroc", "X"},
		{"https://youtube.example.com/@aim-maroc", "YouTube"},
		{"https://linkedin.example.com/company/aim-maroc?lang=" + lang, "LinkedIn"},
	}
}

// siteLabels holds the layout texts of each language.
var siteLabels = map[string]*labels{
	"fr": {
		Lang: "fr", Dir: "ltr",
		SiteName: "AIM Maroc", OrgName: "Agence internationale pour les migrations – Mission au Maroc",
		HomePath: "/fr", HomeTitle: "Accueil",
		Welcome: "Bienvenue sur le site de la mission au Maroc", Featured: "À la une", Rubrics: "Nos rubriques",
		SkipLink: "Aller au contenu principal", MainNav: "Navigation principale",
		Search: "Rechercher sur le site", SearchButton: "Rechercher",
		Breadcrumb: "Fil d'Ariane", Home: "Accueil",
		Recent: "Articles récents", Related: "Articles similaires",
		Share: "Partager cette page", ShareMail: "Envoyer par courriel", Print: "Imprimer",
		NewsletterTitle:  "Lettre d'information",
		Newsletter:       "Recevez chaque mois l'essentiel de nos actualités et de nos publications directement dans votre boîte de réception.",
		NewsletterButton: "S'abonner",
		Published:        "Publié le", Updated: "Mis à jour le", Tags: "Thématiques",
		Next: "page suivante ›", Prev: "‹ page précédente", Pagination: "Pagination",
		ContactTitle: "Nous contacter",
		Address: []string{"Mission de l'AIM au Maroc", "Avenue des Jacarandas, Souissi", "10170 Rabat – Royaume du Maroc",
			"Tél. : +212 5 37 00 00 00 – contact.maroc@aim.example.org"},
		FollowUs: "Suivez-nous", Social: social("fr"),
		Legal: []link{{"/fr/mentions-legales", "Mentions légales"}, {"/fr/confidentialite", "Politique de confidentialité"},
			{"/fr/contact", "Contact"}},
		PartnerArea: "Espace partenaires",
		Copyright:   "© 2016–2025 Agence internationale pour les migrations. Tous droits réservés.",
		Disclaimer:  "Site de démonstration : l'organisation, les personnes et les contenus présentés ici sont fictifs.",
		Sections: map[string]string{"news": "Actualités", "stories": "Histoires",
			"press-releases": "Communiqués de presse", "events": "Événements", "tags": "Thématiques"},
		Menu: []menuItem{
			{Label: "Qui sommes nous", Href: "/fr/a-propos",
				Description: "L'Agence internationale pour les migrations (AIM) est une organisation intergouvernementale imaginaire, créée pour ce site de démonstration, qui accompagne les États dans une gestion des migrations sûre, digne et respectueuse des droits. Sa mission au Maroc travaille depuis 2005 aux côtés des institutions nationales, des collectivités territoriales et de la société civile.",
				Children:    []link{{"/fr/a-propos", "À propos de la mission"}, {"https://www.example.org/", "L'AIM dans le monde"}, {"/fr/partenaires", "Nos partenaires"}}},
			{Label: "Notre travail", Href: "/fr/notre-travail",
				Description: "Nos équipes interviennent dans une dizaine de régions du Royaume autour de trois piliers complémentaires : la protection et l'assistance aux personnes en situation de vulnérabilité, le lien entre mobilité humaine et développement durable, et l'accompagnement de la jeunesse vers l'emploi et la citoyenneté.",
				Children:    []link{{"/fr/notre-travail", "Ce que nous faisons"}, {"/fr/priorites-transversales", "Priorités transversales (globales)"}}},
			{Label: "Données et ressources", Href: "/fr/pages/ressources",
				Description: "Rapports annuels, études, fiches pays, guides pratiques et chiffres clés : consultez et téléchargez les ressources produites par la mission et par ses partenaires institutionnels.",
				Children: []link{{"/fr/pages/ressources", "Publications et rapports"}, {"/fr/news", "Actualités"}, {"/fr/stories", "Histoires"},
					{"/fr/press-releases", "Communiqués de presse"}, {"/fr/events", "Événements"}}},
			{Label: "Agir", Href: "/fr/agir",
				Description: "Rejoindre nos équipes, répondre à un appel d'offres, proposer un partenariat ou simplement nous écrire : découvrez toutes les façons d'agir à nos côtés.",
				Children:    []link{{"/fr/carrieres", "Carrières"}, {"/fr/appels-offres", "Appels d'offres"}, {"/fr/contact", "Nous contacter"}}},
			{Label: "Agenda 2030", Href: "/fr/agenda-2030"},
		},
		NotFoundTitle: "Page introuvable",
		NotFound:      "La page demandée n'existe pas ou a été déplacée. Utilisez le menu ou le moteur de recherche pour retrouver le contenu recherché.",
		Months:        [12]string{"janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre", "novembre", "décembre"},
		DateFormat:    dayMonthYear,
	},
	"en": {
		Lang: "en", Dir: "ltr",
		SiteName: "AIM Maroc", OrgName: "International Agency for Migration – Morocco Mission",
		HomePath: "/en", HomeTitle: "Home",
		Welcome: "Welcome to the website of the Morocco mission", Featured: "Featured", Rubrics: "Sections",
		SkipLink: "Skip to main content", MainNav: "Main navigation",
		Search: "Search the site", SearchButton: "Search",
		Breadcrumb: "Breadcrumb trail", Home: "Home",
		Recent: "Recent articles", Related: "Related articles",
		Share: "Share this page", ShareMail: "Send by email", Print: "Print",
		NewsletterTitle:  "Newsletter",
		Newsletter:       "Get the best of our news and publications delivered to your inbox every month.",
		NewsletterButton: "Subscribe",
		Published:        "Published on", Updated: "Updated on", Tags: "Topics",
		Next: "next page ›", Prev: "‹ previous page", Pagination: "Pagination",
		ContactTitle: "Contact us",
		Address: []string{"AIM Morocco Mission", "Avenue des Jacarandas, Souissi", "10170 Rabat – Kingdom of Morocco",
			"Tel.: +212 5 37 00 00 00 – contact.maroc@aim.example.org"},
		FollowUs: "Follow us", Social: social("en"),
		Legal: []link{{"/fr/mentions-legales", "Legal notice"}, {"/fr/confidentialite", "Privacy policy"},
			{"/en/contact", "Contact"}},
		PartnerArea: "Partner area",
		Copyright:   "© 2016–2025 International Agency for Migration. All rights reserved.",
		Disclaimer:  "Demonstration site: the organisation, people and content shown here are fictitious.",
		Sections:    map[string]string{"news": "News", "tags": "Topics"},
		Menu: []menuItem{
			{Label: "Who we are", Href: "/en/about",
				Description: "The International Agency for Migration (AIM) is an imaginary intergovernmental organisation, made up for this demonstration site, that helps States manage migration in a safe, dignified and rights-based way. Its Morocco mission has worked since 2005 alongside national institutions, local authorities and civil society.",
				Children:    []link{{"/en/about", "About the mission"}, {"https://www.example.org/", "AIM worldwide"}}},
			{Label: "Our work", Href: "/en/news",
				Description: "Our teams work in some ten regions of the Kingdom on three complementary pillars: protection and assistance for people in vulnerable situations, human mobility for sustainable development, and support for young people on their way to work and citizenship.",
				Children:    []link{{"/en/news", "News"}, {"/fr/pages/ressources", "Publications (in French)"}}},
			{Label: "Get involved", Href: "/en/contact",
				Description: "Join our teams, answer a call for tenders, propose a partnership or simply write to us: find out all the ways to act alongside us.",
				Children:    []link{{"/fr/carrieres", "Careers"}, {"/en/contact", "Contact us"}}},
		},
		NotFoundTitle: "Page not found",
		NotFound:      "The requested page does not exist or has moved.",
		Months:        [12]string{"January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"},
		DateFormat: func(l *labels, t time.Time) string {
			return fmt.Sprintf("%s %d, %d", l.Months[t.Month()-1], t.Day(), t.Year())
		},
	},
	"ar": {
		Lang: "ar", Dir: "rtl",
		SiteName: "AIM Maroc", OrgName: "الوكالة الدولية للهجرة – البعثة في المغرب",
		HomePath: "/ar", HomeTitle: "الرئيسية",
		Welcome: "مرحبا بكم في موقع البعثة", Featured: "أبرز الأخبار", Rubrics: "الأقسام",
		SkipLink: "الانتقال إلى المحتوى الرئيسي", MainNav: "القائمة الرئيسية",
		Search: "البحث في الموقع", SearchButton: "بحث",
		Breadcrumb: "مسار التنقل", Home: "الرئيسية",
		Recent: "آخر المقالات", Related: "مقالات ذات صلة",
		Share: "شارك هذه الصفحة", ShareMail: "إرسال عبر البريد الإلكتروني", Print: "طباعة",
		NewsletterTitle:  "النشرة الإخبارية",
		Newsletter:       "توصلوا كل شهر بأهم أخبارنا ومنشوراتنا في بريدكم الإلكتروني.",
		NewsletterButton: "اشترك",
		Published:        "نُشر في", Updated: "حُدّث في", Tags: "المواضيع",
		Next: "الصفحة التالية", Prev: "الصفحة السابقة", Pagination: "ترقيم الصفحات",
		ContactTitle: "اتصلوا بنا",
		Address: []string{"بعثة الوكالة الدولية للهجرة", "شارع الجاكاراندا، السويسي", "10170 الرباط – المملكة المغربية",
			"الهاتف: 00 00 00 37 5 212+ – contact.maroc@aim.example.org"},
		FollowUs: "تابعونا", Social: social("ar"),
		Legal: []link{{"/fr/mentions-legales", "إشعار قانوني"}, {"/fr/confidentialite", "سياسة الخصوصية"},
			{"/ar/contact", "اتصل بنا"}},
		PartnerArea: "فضاء الشركاء",
		Copyright:   "© 2016–2025 الوكالة الدولية للهجرة. جميع الحقوق محفوظة.",
		Disclaimer:  "موقع تجريبي: المنظمة والأشخاص والمحتويات المعروضة هنا من نسج الخيال.",
		Sections:    map[string]string{"news": "الأخبار", "tags": "المواضيع"},
		Menu: []menuItem{
			{Label: "من نحن", Href: "/ar/about",
				Description: "الوكالة الدولية للهجرة منظمة حكومية دولية خيالية أُنشئت لأغراض هذا الموقع التجريبي، تواكب الدول في تدبير آمن وكريم للتنقل البشري يحترم الحقوق، وتعمل بعثتها منذ سنة 2005 إلى جانب المؤسسات الوطنية والجماعات الترابية والمجتمع المدني.",
				Children:    []link{{"/ar/about", "عن البعثة"}, {"https://www.example.org/", "الوكالة في العالم"}}},
			{Label: "عملنا", Href: "/ar/news",
				Description: "تشتغل فرقنا في حوالي عشر جهات من المملكة حول ثلاثة محاور متكاملة: حماية الأشخاص في وضعية هشاشة ومساعدتهم، والتنقل البشري من أجل التنمية المستدامة، ومواكبة الشباب نحو الشغل والمواطنة.",
				Children:    []link{{"/ar/news", "الأخبار"}, {"/fr/pages/ressources", "المنشورات (بالفرنسية)"}}},
			{Label: "شارك", Href: "/ar/contact",
				Description: "انضموا إلى فرقنا أو اقترحوا شراكة أو راسلونا ببساطة: اكتشفوا كل طرق العمل إلى جانبنا.",
				Children:    []link{{"/ar/contact", "اتصل بنا"}}},
		},
		NotFoundTitle: "الصفحة غير موجودة",
		NotFound:      "الصفحة المطلوبة غير موجودة أو تم نقلها.",
		Months:        [12]string{"يناير", "فبراير", "مارس", "أبريل", "ماي", "يونيو", "يوليوز", "غشت", "شتنبر", "أكتوبر", "نونبر", "دجنبر"},
		DateFormat:    dayMonthYear,
	},
}
