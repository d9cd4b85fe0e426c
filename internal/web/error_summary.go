package web

import (
	"bytes"
	"sort"
)

// orderErrorSummary puts the links of a refused form's error summary (the list under
// id="erreurs") in the order of the fields they lead to on the page, so that a person reads
// the errors as they fill the form. Handlers collect errors in maps, which have no order; the
// page itself has the only true one. Links to no field on the page keep their order, last.
func orderErrorSummary(page []byte) []byte {
	at := bytes.Index(page, []byte(`id="erreurs"`))
	if at < 0 {
		return page
	}
	open := bytes.Index(page[at:], []byte("<ul>"))
	if open < 0 {
		return page
	}
	open += at + len("<ul>")
	end := bytes.Index(page[open:], []byte("</ul>"))
	if end < 0 {
		return page
	}
	end += open
	type item struct {
		html []byte
		pos  int
	}
	var items []item
	for rest := page[open:end]; len(rest) > 0; {
		close := bytes.Index(rest, []byte("</li>"))
		if close < 0 {
			return page // not a plain list of items: left as it is
		}
		li := rest[:close+len("</li>")]
		rest = rest[close+len("</li>"):]
		pos := len(page) // no field found: last
		if h := bytes.Index(li, []byte(`href="#`)); h >= 0 {
			id := li[h+len(`href="#`):]
			if q := bytes.IndexByte(id, '"'); q >= 0 {
				target := append(append([]byte(`id="`), id[:q]...), '"')
				if p := bytes.Index(page[end:], target); p >= 0 {
					pos = end + p
				}
			}
		}
		items = append(items, item{html: li, pos: pos})
	}
	sort.SliceStable(items, func(i, j int) bool { return items[i].pos < items[j].pos })
	out := make([]byte, 0, len(page))
	out = append(out, page[:open]...)
	for _, it := range items {
		out = append(out, it.html...)
	}
	return append(out, page[end:]...)
}
