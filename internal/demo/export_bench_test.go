package demo

import (
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"testing"
	"time"

	"cqp/internal/service"
	"cqp/internal/web"
)

// BenchmarkCandidatesExport measures the export of the whole candidates list (issue 12), as
// the secretariat downloads it from /candidats/export.csv and .xlsx, over the demo data and
// 100 000 synthetic candidates: through the web server, its session and the audit entry, the
// rows read from the store 500 at a time. It reports the bytes sent and the peak heap in use
// while the exports run: it stays flat however long the list.
//
//	go test -run '^$' -bench BenchmarkCandidatesExport -benchtime 3x -benchmem ./internal/demo/
func BenchmarkCandidatesExport(b *testing.B) {
	for _, target := range benchTargets() {
		b.Run(target.name, func(b *testing.B) {
			s := target.open(b)
			svc := service.New(s, time.Now, slog.New(slog.DiscardHandler), "")
			srv, err := web.New(svc, slog.New(slog.DiscardHandler), web.Options{InsecureCookies: true})
			if err != nil {
				b.Fatal(err)
			}
			ts := httptest.NewServer(srv.Handler())
			defer ts.Close()
			jar, _ := cookiejar.New(nil)
			client := &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
			res, err := client.PostForm(ts.URL+"/connexion", url.Values{"email": {"secretariat@demo.cqp.test"}, "password": {Password}})
			if err != nil {
				b.Fatal(err)
			}
			res.Body.Close()
			if res.StatusCode != http.StatusSeeOther {
				b.Fatalf("login: status %d", res.StatusCode)
			}
			// The whole list, and the VAE route alone (about 30 000 rows): the peak heap is the same.
			for _, c := range []struct{ name, path string }{
				{"csv", "/candidats/export.csv"}, {"xlsx", "/candidats/export.xlsx"},
				{"csv-vae-route", "/candidats/export.csv?voie=vae"}, {"xlsx-vae-route", "/candidats/export.xlsx?voie=vae"},
			} {
				b.Run(c.name, func(b *testing.B) {
					var sent int64
					peak := heapPeak(b, func() {
						for b.Loop() {
							res, err := client.Get(ts.URL + c.path)
							if err != nil {
								b.Fatal(err)
							}
							n, err := io.Copy(io.Discard, res.Body)
							res.Body.Close()
							if err != nil || res.StatusCode != http.StatusOK {
								b.Fatalf("status %d, %v", res.StatusCode, err)
							}
							sent = n
						}
					})
					b.ReportMetric(float64(sent)/(1<<20), "MB-sent")
					b.ReportMetric(peak, "peak-heap-MB")
				})
			}
		})
	}
}
