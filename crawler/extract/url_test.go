package extract

import (
	"net/url"
	"strings"
	"testing"
)

func TestNormalizeURL(t *testing.T) {
	base, _ := url.Parse("https://maroc.example.org/fr/news/article?page=2")
	tests := []struct {
		name    string
		raw     string
		base    *url.URL
		want    string
		wantErr string // substring of the error; "" means success
	}{
		{"absolute", "https://maroc.example.org/fr/news", nil, "https://maroc.example.org/fr/news", ""},
		{"fragment", "https://maroc.example.org/fr/news#top", nil, "https://maroc.example.org/fr/news", ""},
		{"fragment only", "#main-content", base, "https://maroc.example.org/fr/news/article?page=2", ""},
		{"html entity amp", "https://maroc.example.org/fr/news?b=2&amp;a=1", nil, "https://maroc.example.org/fr/news?a=1&b=2", ""},
		{"default port https", "https://maroc.example.org:443/fr", nil, "https://maroc.example.org/fr", ""},
		{"default port http", "http://maroc.example.org:80/fr", nil, "http://maroc.example.org/fr", ""},
		{"other port kept", "http://maroc.example.org:8080/fr", nil, "http://maroc.example.org:8080/fr", ""},
		{"https on 80 keeps port", "https://maroc.example.org:80/fr", nil, "https://maroc.example.org:80/fr", ""},
		{"utm dropped", "https://maroc.example.org/fr/news/x?utm_source=home&utm_medium=une&UTM_Campaign=f", nil, "https://maroc.example.org/fr/news/x", ""},
		{"utm dropped others kept", "https://maroc.example.org/fr/news?utm_source=a&page=1", nil, "https://maroc.example.org/fr/news?page=1", ""},
		{"session params", "https://maroc.example.org/fr?PHPSESSID=abc&sid=1&fbclid=x&gclid=y&q=eau", nil, "https://maroc.example.org/fr?q=eau", ""},
		{"jsessionid path param", "https://maroc.example.org/fr/news;jsessionid=ABC123?page=1", nil, "https://maroc.example.org/fr/news?page=1", ""},
		{"jsessionid query", "https://maroc.example.org/fr/news?jsessionid=ABC123", nil, "https://maroc.example.org/fr/news", ""},
		{"query sorted", "https://maroc.example.org/s?z=1&a=2&m=3&a=1", nil, "https://maroc.example.org/s?a=1&a=2&m=3&z=1", ""},
		{"query re-encoded", "https://maroc.example.org/s?q=r%C3%A9seau+migrants", nil, "https://maroc.example.org/s?q=r%C3%A9seau+migrants", ""},
		{"query space encodings agree", "https://maroc.example.org/s?q=a%20b", nil, "https://maroc.example.org/s?q=a+b", ""},
		{"empty query", "https://maroc.example.org/fr?", nil, "https://maroc.example.org/fr", ""},
		{"empty params", "https://maroc.example.org/fr?&&page=1&", nil, "https://maroc.example.org/fr?page=1", ""},
		{"trailing slash kept", "https://maroc.example.org/fr/news/", nil, "https://maroc.example.org/fr/news/", ""},
		{"no trailing slash kept", "https://maroc.example.org/fr/news", nil, "https://maroc.example.org/fr/news", ""},
		{"empty path", "https://maroc.example.org", nil, "https://maroc.example.org/", ""},
		{"empty path with query", "https://maroc.example.org?page=1", nil, "https://maroc.example.org/?page=1", ""},
		{"uppercase host and scheme", "HTTPS://Maroc.EXAMPLE.org/Fr/News", nil, "https://maroc.example.org/Fr/News", ""},
		{"trailing dot host", "https://maroc.example.org./fr", nil, "https://maroc.example.org/fr", ""},
		{"userinfo dropped", "https://user:pw@maroc.example.org/fr", nil, "https://maroc.example.org/fr", ""},
		{"relative", "../stories/x", base, "https://maroc.example.org/fr/stories/x", ""},
		{"root relative", "/ar/news", base, "https://maroc.example.org/ar/news", ""},
		{"scheme relative", "//cdn.example.org/a.css", base, "https://cdn.example.org/a.css", ""},
		{"query only", "?page=3", base, "https://maroc.example.org/fr/news/article?page=3", ""},
		{"dot segments", "https://maroc.example.org/fr/./news/../stories/", nil, "https://maroc.example.org/fr/stories/", ""},
		{"spaces around", "  /fr/news \n", base, "https://maroc.example.org/fr/news", ""},
		{"newline inside", "/fr/\nnews", base, "https://maroc.example.org/fr/news", ""},
		{"lower-case escapes", "https://maroc.example.org/fr/r%c3%a9seau", nil, "https://maroc.example.org/fr/r%C3%A9seau", ""},
		{"raw accent in path", "https://maroc.example.org/fr/réseau", nil, "https://maroc.example.org/fr/r%C3%A9seau", ""},
		{"escaped slash kept", "https://maroc.example.org/a%2fb", nil, "https://maroc.example.org/a%2Fb", ""},
		{"ipv6", "http://[::1]:80/x", nil, "http://[::1]/x", ""},
		{"javascript", "javascript:window.print()", base, "", "scheme"},
		{"mailto", "mailto:contact@example.org", base, "", "scheme"},
		{"tel", "tel:+212537000000", base, "", "scheme"},
		{"data", "data:text/html,hi", base, "", "scheme"},
		{"ftp", "ftp://example.org/file", nil, "", "scheme"},
		{"relative without base", "/fr/news", nil, "", "relative"},
		{"empty without base", "", nil, "", "empty"},
		{"empty host", "https:///fr", nil, "", "host"},
		{"opaque", "http:maroc.example.org", nil, "", "opaque"},
		{"control char", "https://maroc.example.org/fr\x00x", nil, "", "control"},
		{"control char host", "https://maroc\x01.example.org/", nil, "", "control"},
		{"escaped control char in host", "https://maroc%01.example.org/", nil, "", ""},
		{"space in host", "https://maroc example.org/", nil, "", ""},
		{"overlong", "https://maroc.example.org/" + strings.Repeat("a", MaxURLBytes), nil, "", "longer than"},
		{"bad port", "https://maroc.example.org:abc/", nil, "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := NormalizeURL(tt.raw, tt.base)
			wantFail := tt.want == ""
			switch {
			case wantFail && err == nil:
				t.Errorf("NormalizeURL(%q) = %q, want an error", tt.raw, got)
			case wantFail && !strings.Contains(err.Error(), tt.wantErr):
				t.Errorf("NormalizeURL(%q) error = %q, want it to mention %q", tt.raw, err, tt.wantErr)
			case !wantFail && err != nil:
				t.Errorf("NormalizeURL(%q) error = %v, want %q", tt.raw, err, tt.want)
			case !wantFail && got != tt.want:
				t.Errorf("NormalizeURL(%q) = %q, want %q", tt.raw, got, tt.want)
			}
			if err == nil {
				if again, err := NormalizeURL(got, nil); err != nil || again != got {
					t.Errorf("NormalizeURL(%q) = %q, %v; not idempotent", got, again, err)
				}
			}
		})
	}
}
