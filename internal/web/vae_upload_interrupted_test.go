package web_test

import (
	"bytes"
	"errors"
	"html"
	"io"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"cqp/internal/domain"
	"cqp/internal/service/servicetest"
)

// failingReader gives its bytes, then fails as a connection cut off midway does.
type failingReader struct{ r io.Reader }

func (f failingReader) Read(p []byte) (int, error) {
	n, err := f.r.Read(p)
	if errors.Is(err, io.EOF) {
		return n, io.ErrUnexpectedEOF
	}
	return n, err
}

// TestAnUploadCutOffMidwayStoresNothing sends half of a multipart upload, then the
// connection "breaks": the page says the file did not arrive whole, and no evidence is stored.
func TestAnUploadCutOffMidwayStoresNothing(t *testing.T) {
	s := newSite(t)
	c := s.client(t, s.world.Accounts[domain.RoleCandidate])
	id := openExperienceVAE(t, s.world)

	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	_ = mw.WriteField("title", "Attestation")
	fw, err := mw.CreateFormFile("file", "attestation.pdf")
	if err != nil {
		t.Fatal(err)
	}
	_, _ = fw.Write(append(append([]byte(nil), servicetest.TinyPDF[:9]...), bytes.Repeat([]byte("x"), 64<<10)...))
	_, _ = fw.Write([]byte("\n%%EOF\n"))
	_ = mw.Close()
	half := body.Bytes()[:body.Len()/2]

	req := httptest.NewRequest(http.MethodPost, s.URL+"/vae/"+id+"/preuves", failingReader{bytes.NewReader(half)})
	req.Header.Set("Content-Type", mw.FormDataContentType())
	u, _ := url.Parse(s.URL)
	for _, ck := range c.Jar.Cookies(u) {
		req.AddCookie(ck)
	}
	rec := httptest.NewRecorder()
	s.Config.Handler.ServeHTTP(rec, req)
	page := html.UnescapeString(rec.Body.String())
	if rec.Code != http.StatusBadRequest || !strings.Contains(page, "n'a pas été reçu en entier") {
		t.Fatalf("status %d, body %.500s", rec.Code, page)
	}
	if n := len(vaeView(t, s.world, id).Evidence); n != 0 {
		t.Fatalf("%d evidence stored from a cut-off upload", n)
	}
}
