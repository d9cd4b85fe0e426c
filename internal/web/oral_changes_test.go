package web_test

import (
	"html"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"cqp/internal/domain"
	"cqp/internal/service/servicetest"
)

func init() { sampleSources = append(sampleSources, oralChangeSamples) }

func oralChangeSamples(t testing.TB, w *servicetest.World) routeSamples {
	return routeSamples{Paths: map[string]string{
		"/oraux/{id}/report":     "/oraux/" + w.OralID + "/report",
		"/oraux/{id}/annulation": "/oraux/" + w.OralID + "/annulation",
	}}
}

func TestTheSecretariatMovesThenCancelsAnOralFromItsPage(t *testing.T) {
	s := newSite(t)
	c := s.client(t, s.world.Accounts[domain.RoleSecretariat])
	post := func(path string, v url.Values) (int, string, string) {
		t.Helper()
		res, err := c.PostForm(s.URL+path, v)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		b, _ := io.ReadAll(res.Body)
		return res.StatusCode, res.Header.Get("Location"), html.UnescapeString(string(b))
	}
	oral := "/oraux/" + s.world.OralID
	status, body := s.do(t, c, http.MethodGet, oral)
	if status != http.StatusOK || !strings.Contains(body, "Déplacer l'oral") || !strings.Contains(body, "Annuler l'oral") {
		t.Fatalf("the oral page: %d %.300s", status, body)
	}
	move := url.Values{"date": {"10/12/2026"}, "time": {"09:30"}, "duration": {"60"}, "place": {"Paris, salle Colbert"}}
	if status, _, body := post(oral+"/report", move); status != http.StatusUnprocessableEntity || !strings.Contains(body, "pourquoi l'oral est déplacé") ||
		!strings.Contains(body, `value="Paris, salle Colbert"`) {
		t.Fatalf("moving without a reason: %d %.400s", status, body)
	}
	move.Set("reason", "Salle indisponible")
	if status, loc, body := post(oral+"/report", move); status != http.StatusSeeOther || loc != oral {
		t.Fatalf("moving: %d %s %.300s", status, loc, body)
	}
	if _, body := s.do(t, c, http.MethodGet, oral); !strings.Contains(body, "10/12/2026") {
		t.Fatalf("the moved oral: %.300s", body)
	}
	if status, loc, _ := post(oral+"/annulation", url.Values{"reason": {"Candidat malade"}}); status != http.StatusSeeOther || loc != "/oraux" {
		t.Fatalf("cancelling: %d %s", status, loc)
	}
	if status, _ := s.do(t, c, http.MethodGet, oral); status != http.StatusNotFound {
		t.Fatalf("the cancelled oral answers %d", status)
	}
}
