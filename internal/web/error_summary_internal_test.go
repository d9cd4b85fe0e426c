package web

import "testing"

func TestTheErrorSummaryFollowsTheFieldsOrderOnThePage(t *testing.T) {
	for _, tc := range []struct{ name, page, want string }{
		{"links sorted by where their field is, unknown ones last",
			`<div id="erreurs"><ul><li><a href="#f-z">Z</a></li><li><a href="#nowhere">N</a></li><li><a href="#f-a">A</a></li></ul></div><input id="f-a"><input id="f-z">`,
			`<div id="erreurs"><ul><li><a href="#f-a">A</a></li><li><a href="#f-z">Z</a></li><li><a href="#nowhere">N</a></li></ul></div><input id="f-a"><input id="f-z">`},
		{"a page without a summary is left as it is", `<p>ok</p>`, `<p>ok</p>`},
		{"a summary that is not a list of items is left as it is",
			`<div id="erreurs"><ul><li>open</ul></div>`, `<div id="erreurs"><ul><li>open</ul></div>`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := string(orderErrorSummary([]byte(tc.page))); got != tc.want {
				t.Fatalf("got\n%s\nwant\n%s", got, tc.want)
			}
		})
	}
}
