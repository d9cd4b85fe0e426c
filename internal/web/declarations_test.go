package web_test

import (
	"bytes"
	"context"
	"fmt"
	"html"
	"io"
	"mime/multipart"
	"net/http"
	"strings"
	"testing"
	"time"

	"cqp/internal/domain"
	"cqp/internal/service/servicetest"
	"cqp/internal/store"
)

func init() { sampleSources = append(sampleSources, declarationSamples) }

// declarationSamples records an empty batch, so that the walk reaches its download route.
func declarationSamples(t testing.TB, w *servicetest.World) routeSamples {
	id := fmt.Sprintf("lot-%d", time.Now().UnixNano())
	err := w.Service.Store().Write(context.Background(), func(q store.Q) error {
		return q.CreateDeclarationBatch(context.Background(), store.DeclarationBatch{ID: id, CreatedAt: servicetest.Clock}, nil)
	})
	if err != nil {
		t.Fatal(err)
	}
	return routeSamples{Paths: map[string]string{"/declarations/lots/{id}/flux.xml": "/declarations/lots/" + id + "/flux.xml"}}
}

func TestTheDeclarationsPage(t *testing.T) {
	s := newSite(t)
	sec := s.client(t, s.world.Accounts[domain.RoleSecretariat])

	t.Run("the certificates page links to it for the secretariat", func(t *testing.T) {
		if status, body := s.do(t, sec, http.MethodGet, "/certificats"); status != http.StatusOK || !strings.Contains(body, `href="/declarations"`) {
			t.Fatalf("status %d", status)
		}
	})
	t.Run("without the Caisse des Dépôts' identifiers it says what to configure", func(t *testing.T) {
		status, body := s.do(t, sec, http.MethodGet, "/declarations")
		if status != http.StatusOK || !strings.Contains(body, "Déclarations à la Caisse des Dépôts") || !strings.Contains(body, "--cdc-client-id") ||
			!strings.Contains(body, "Rejetée — à corriger") {
			t.Fatalf("status %d: %.500s", status, body)
		}
	})
	t.Run("building a batch without choosing anything asks to choose", func(t *testing.T) {
		status, body := s.do(t, sec, http.MethodPost, "/declarations/lots")
		if status != http.StatusUnprocessableEntity || !strings.Contains(body, "Cochez au moins une délivrance") {
			t.Fatalf("status %d", status)
		}
	})
	t.Run("a report naming an unknown award is refused whole with its line", func(t *testing.T) {
		var b bytes.Buffer
		mw := multipart.NewWriter(&b)
		part, _ := mw.CreateFormFile("compte_rendu", "cr.xml")
		io.WriteString(part, "<compteRenduTraitement>\n<passageCertification><idTechnique>inconnu</idTechnique><statut>ACCEPTE</statut></passageCertification>\n</compteRenduTraitement>")
		mw.Close()
		req, _ := http.NewRequest(http.MethodPost, s.URL+"/declarations/compte-rendu", &b)
		req.Header.Set("Content-Type", mw.FormDataContentType())
		res, err := sec.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		body, _ := io.ReadAll(res.Body)
		page := html.UnescapeString(string(body))
		if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(page, "rien n'a été appliqué") ||
			!strings.Contains(page, "Ligne 2, élément <idTechnique> : « inconnu »") {
			t.Fatalf("status %d: %.800s", res.StatusCode, page)
		}
	})
}
