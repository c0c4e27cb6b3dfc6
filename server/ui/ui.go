// Package ui holds the French web page of missionsearch: its html/template
// templates and its static assets (style sheet, progressive-enhancement
// script), embedded in the binary. It also owns the French presentation of
// values (section names, dates, numbers) that the templates print.
//
// Front-end edits happen here and never touch the handlers of package
// server. The package imports only the standard library.
package ui

import (
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"fmt"
	"html/template"
	"io/fs"
	"mime"
	"path"
	"slices"
	"strconv"
	"strings"
	"time"
)

//go:embed templates/*.html
var templateFS embed.FS

//go:embed static
var staticFS embed.FS

// Asset is one static file served under /static/.
type Asset struct {
	// Name is the file name, such as "app.js".
	Name string
	// Data is the file content.
	Data []byte
	// ContentType is the media type of Data.
	ContentType string
	// Hash is the hex SHA-256 of Data, truncated to 16 digits: the ETag
	// and the version of the asset's URL.
	Hash string
}

var assets = loadAssets()

// version is a hash of every embedded file: it changes with the page's
// look and behaviour.
var version = func() string {
	h := sha256.New()
	fs.WalkDir(templateFS, ".", func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			b, _ := templateFS.ReadFile(p)
			h.Write(b)
		}
		return nil
	})
	names := AssetNames()
	slices.Sort(names)
	for _, n := range names {
		h.Write([]byte(assets[n].Hash))
	}
	return hex.EncodeToString(h.Sum(nil)[:8])
}()

// Version identifies the templates and assets of this binary, for the
// ETags of rendered pages.
func Version() string { return version }

func loadAssets() map[string]*Asset {
	m := map[string]*Asset{}
	err := fs.WalkDir(staticFS, "static", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := staticFS.ReadFile(p)
		if err != nil {
			return err
		}
		sum := sha256.Sum256(data)
		ct := mime.TypeByExtension(path.Ext(p))
		if ct == "" {
			ct = "application/octet-stream"
		}
		name := strings.TrimPrefix(p, "static/")
		m[name] = &Asset{Name: name, Data: data, ContentType: ct, Hash: hex.EncodeToString(sum[:8])}
		return nil
	})
	if err != nil {
		panic("ui: reading embedded assets: " + err.Error()) // the embed is part of the binary
	}
	return m
}

// LookupAsset returns the static file called name, or nil when there is none.
func LookupAsset(name string) *Asset { return assets[name] }

// AssetNames lists the static files.
func AssetNames() []string {
	names := make([]string, 0, len(assets))
	for n := range assets {
		names = append(names, n)
	}
	return names
}

// AssetURL returns the versioned URL of the static file name:
// /static/NAME?v=HASH, so that a new binary's assets are never mixed with
// a browser's cached old ones.
func AssetURL(name string) string {
	a := assets[name]
	if a == nil {
		return "/static/" + name
	}
	return "/static/" + name + "?v=" + a.Hash
}

// Templates parses the page templates with the functions they use. The
// result is safe for concurrent use once returned.
func Templates() (*template.Template, error) {
	return template.New("ui").Funcs(Funcs).ParseFS(templateFS, "templates/*.html")
}

// Funcs are the template functions of the page templates.
var Funcs = template.FuncMap{
	"asset":     AssetURL,
	"brandcss":  func() string { return "" },
	"section":   SectionLabel,
	"lang":      LangLabel,
	"typelabel": func(t any) string { return TypeLabel(fmt.Sprint(t)) },
	"date":      FormatDate,
	"isodate":   func(t time.Time) string { return t.Format(time.DateOnly) },
	"number":    FormatNumber,
	"percent":   FormatPercent,
	"plural": func(n int, one, many string) string {
		if n < 2 {
			return one
		}
		return many
	},
}

var sectionLabels = map[string]string{
	"news":           "Actualités",
	"stories":        "Récits",
	"press-releases": "Communiqués de presse",
	"events":         "Événements",
}

// SectionLabel returns the French name of the site section s: "news" is
// "Actualités", "stories" "Récits", "press-releases" "Communiqués de presse"
// and "events" "Événements". Other sections are shown as they are.
func SectionLabel(s string) string {
	if l, ok := sectionLabels[s]; ok {
		return l
	}
	return s
}

var langLabels = map[string]string{"fr": "Français", "en": "Anglais", "ar": "Arabe"}

// LangLabel returns the French name of the language code l ("fr" gives
// "Français"); unknown codes are returned as they are.
func LangLabel(l string) string {
	if s, ok := langLabels[l]; ok {
		return s
	}
	return l
}

var typeLabels = map[string]string{"article": "Articles", "listing": "Listes de pages", "static": "Pages", "document": "Documents PDF"}

// TypeLabel returns the French name of a page type ("listing" gives
// "Listes de pages"); unknown types are returned as they are.
func TypeLabel(t string) string {
	if s, ok := typeLabels[t]; ok {
		return s
	}
	return t
}

var months = [...]string{"janvier", "février", "mars", "avril", "mai", "juin",
	"juillet", "août", "septembre", "octobre", "novembre", "décembre"}

// FormatDate writes t's day the French way: "1er juin 2024",
// "15 août 2023". The zero time gives "".
func FormatDate(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	day := strconv.Itoa(t.Day())
	if t.Day() == 1 {
		day = "1er"
	}
	return day + " " + months[t.Month()-1] + " " + strconv.Itoa(t.Year())
}

// FormatPercent returns n out of total as a rounded French percentage
// ("42 %", with a narrow no-break space), "–" when total is 0.
func FormatPercent(n, total int) string {
	if total <= 0 {
		return "–"
	}
	return strconv.Itoa((100*n+total/2)/total) + "\u202f%"
}

// FormatNumber writes n with French digit grouping: 12345 gives "12 345",
// with a narrow no-break space between groups.
func FormatNumber(n int) string {
	s := strconv.Itoa(n)
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	var b strings.Builder
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteString("\u202f")
		}
		b.WriteRune(c)
	}
	if neg {
		return "-" + b.String()
	}
	return b.String()
}
