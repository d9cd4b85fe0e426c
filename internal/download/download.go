// Package download writes files people download (evidence, documents) the same way for the web
// pages and the JSON API: as attachments under their own name, with headers that keep a
// browser from sniffing, running or caching them.
package download

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"unicode"

	"golang.org/x/text/unicode/norm"
)

// Write sends content as an attachment named name, of the given type (the type read from the
// content when it was received, never guessed from the name). A HEAD request gets the headers
// only.
func Write(w http.ResponseWriter, r *http.Request, name, contentType string, content []byte) error {
	h := w.Header()
	h.Set("Content-Type", contentType)
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Content-Disposition", Disposition(name))
	h.Set("Content-Length", strconv.Itoa(len(content)))
	h.Set("Cache-Control", "private, no-store")
	h.Set("Content-Security-Policy", "default-src 'none'; sandbox")
	w.WriteHeader(http.StatusOK)
	if r.Method == http.MethodHead {
		return nil
	}
	_, err := w.Write(content)
	return err
}

// Disposition is a Content-Disposition for a download under name: an ASCII fallback, and the
// name itself in UTF-8 (RFC 6266, RFC 5987).
func Disposition(name string) string {
	fallback := ASCIIFilename(name)
	if fallback == "" {
		fallback = "piece"
	}
	var enc strings.Builder
	for _, b := range []byte(name) {
		if isAttrChar(b) {
			enc.WriteByte(b)
		} else {
			fmt.Fprintf(&enc, "%%%02X", b)
		}
	}
	return `attachment; filename="` + fallback + `"; filename*=UTF-8''` + enc.String()
}

// isAttrChar reports whether b may stand as itself in an RFC 5987 value.
func isAttrChar(b byte) bool {
	switch {
	case 'a' <= b && b <= 'z', 'A' <= b && b <= 'Z', '0' <= b && b <= '9':
		return true
	}
	return strings.IndexByte("!#$&+-.^_`|~", b) >= 0
}

// ASCIIFilename writes a file name with ASCII letters only: accents dropped (« é » → « e »),
// anything that could end a quoted header value or name a path replaced by « _ ».
func ASCIIFilename(name string) string {
	var b strings.Builder
	for _, r := range norm.NFD.String(name) {
		switch {
		case unicode.Is(unicode.Mn, r):
		case 'a' <= r && r <= 'z', 'A' <= r && r <= 'Z', '0' <= r && r <= '9', strings.ContainsRune(" -._()", r):
			b.WriteRune(r)
		default:
			b.WriteByte('_')
		}
	}
	return strings.TrimSpace(b.String())
}
