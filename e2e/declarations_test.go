package e2e

import (
	"bytes"
	"context"
	"fmt"
	"html"
	"io"
	"mime/multipart"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"cqp/internal/cdc/cdctest"
	"cqp/internal/config"
	"cqp/internal/domain"
	"cqp/internal/service"
	"cqp/internal/service/servicetest"
	"cqp/internal/store"
)

// closeJuryOverHTTP runs a jury session through the secretariat's and the president's pages:
// settings, roster, session on day, the enrolments presented, four members present, opened,
// closed, and the documents issued. It returns the session's id.
func closeJuryOverHTTP(t *testing.T, base string, w *servicetest.World, day string, enrolments ...string) string {
	t.Helper()
	ctx := context.Background()
	sec := login(t, base, w.Accounts[domain.RoleSecretariat])
	president := login(t, base, w.Accounts[domain.RoleJuryPresident])
	sec.submit("/parametres", url.Values{"signature_place": {"Paris"}, "quorum": {"4"},
		"jury_president_name": {"Bruno Lemaître"}, "csca_president_name": {"Hélène Duval"}, "cpne_president_name": {"Marc Girard"}})
	jurors := []string{w.UserIDs[w.Accounts[domain.RoleJuryPresident]], w.UserIDs[w.Accounts[domain.RoleJuryMember]]}
	for i := range 2 {
		u, err := w.Service.CreateUser(ctx, domain.SystemActor("test"), service.UserInput{Email: fmt.Sprintf("jure%d@cqp.test", i),
			Name: fmt.Sprintf("Juré n° %d", i), Password: servicetest.Password, Roles: []domain.RoleAssignment{{Role: domain.RoleJuryMember}}})
		if err != nil {
			t.Fatal(err)
		}
		jurors = append(jurors, u.ID)
	}
	for i, college := range []string{"cpnefp_president", "unions", "employers", "experts"} {
		sec.submit("/jury/membres", url.Values{"user": {jurors[i]}, "college": {college}})
	}
	session := sec.submit("/jury/sessions", url.Values{"date": {day}, "time": {"14:00"}, "place": {"Paris, salle Turgot"}})
	if !strings.HasPrefix(session, "/jury/sessions/") {
		t.Fatalf("scheduling redirects to %q", session)
	}
	sec.submit(session+"/invitations", url.Values{"members": jurors})
	sec.submit(session+"/candidats", url.Values{"enrolments": enrolments})
	sec.submit(session+"/presences", url.Values{"present": jurors})
	sec.submit(session+"/ouverture", nil)
	president.submit(session+"/cloture", confirmClose)
	sessionID := strings.TrimPrefix(session, "/jury/sessions/")
	w.ConfirmFrameworks(t)
	sec.submit("/delivrance/"+sessionID, confirmIssue)
	return sessionID
}

// uploadAs sends a file as the form field named field and returns the status, the Location header and the
// unescaped body.
func (a *httpActor) uploadAs(path, field, name string, content []byte) (int, string, string) {
	a.t.Helper()
	var b bytes.Buffer
	mw := multipart.NewWriter(&b)
	part, err := mw.CreateFormFile(field, name)
	if err != nil {
		a.t.Fatal(err)
	}
	part.Write(content)
	mw.Close()
	req, _ := http.NewRequest(http.MethodPost, a.base+path, &b)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	res, err := a.c.Do(req)
	if err != nil {
		a.t.Fatal(err)
	}
	defer res.Body.Close()
	body, _ := io.ReadAll(res.Body)
	return res.StatusCode, res.Header.Get("Location"), html.UnescapeString(string(body))
}

// stateCount reads the number of awards in one state from the declarations page's table.
func stateCount(t *testing.T, page, label string) string {
	t.Helper()
	m := regexp.MustCompile(`<th scope="row">` + regexp.QuoteMeta(label) + `</th><td>([0-9  ]+)</td>`).FindStringSubmatch(page)
	if m == nil {
		t.Fatalf("the declarations page has no line « %s »: %s", label, excerpt(page))
	}
	return m[1]
}

// lateOnDashboard reads the dashboard's count of awards more than two months old not accepted
// by the Caisse des Dépôts.
func lateOnDashboard(t *testing.T, a *httpActor) string {
	t.Helper()
	m := regexp.MustCompile(`<a href="/declarations"><span class="count">([0-9]+)</span>`).FindStringSubmatch(a.page("/"))
	if m == nil {
		t.Fatal("the dashboard has no line about the declarations")
	}
	return m[1]
}

// Issue 13: jury closed → certificates → batch → XML valid → report imported → statuses on
// the declarations page and the dashboard, all through the pages of a real server.
func TestDeclarationOfAwardsOverHTTP(t *testing.T) {
	base, w := startServerWith(t, func(c *config.Config) {
		c.CDCClientID, c.CDCContractID, c.CDCRNCP = "12ABC345", "MCFCER000123", "RNCP12345"
	})
	ctx := context.Background()
	sys := domain.SystemActor("test")
	a := awaitJury(t, w, w.CandidateA, rowsAllA, nil)
	b := awaitJury(t, w, w.CandidateB, rowsAllA, nil)
	// The session is of 01/09/2026: on the fixture's today (25/11/2026), its awards are late.
	sessionID := closeJuryOverHTTP(t, base, w, "2026-09-01", a, b)

	certs, err := w.Service.Certificates(ctx, sys, store.CertificateFilter{SessionID: sessionID})
	if err != nil || len(certs.Items) != 2 {
		t.Fatalf("issued: %+v %v", certs.Items, err)
	}
	certOf := map[string]store.Certificate{}
	for _, c := range certs.Items {
		certOf[c.CandidateID] = c
	}

	sec := login(t, base, w.Accounts[domain.RoleSecretariat])
	// Without a NIR, nothing can be declared: the page says so.
	page := sec.page("/declarations")
	if stateCount(t, page, "À déclarer") != "2" || !strings.Contains(page, "Non déclarables : 2") {
		t.Fatalf("before the NIRs: %s", excerpt(page))
	}
	status, _, body := sec.post("/declarations/lots", url.Values{"tout": {"1"}})
	if status == http.StatusSeeOther {
		t.Fatalf("a batch was built without any declarable award: %s", excerpt(body))
	}

	// The secretariat records each holder's NIR: both are women born in March 1995 in Paris.
	for id, serial := range map[string]string{w.CandidateA: "123", w.CandidateB: "124"} {
		first13 := "2950375056" + serial
		sec.submit("/candidats/"+id+"/nir", url.Values{"nir": {first13 + domain.NIRKey(first13)}})
	}
	if page := sec.page("/declarations"); !strings.Contains(page, "À déclarer : 2") {
		t.Fatalf("after the NIRs: %s", excerpt(page))
	}

	// A batch of both, and its file, valid against the Caisse des Dépôts' schema.
	sec.submit("/declarations/lots", url.Values{"tout": {"1"}})
	page = sec.page("/declarations")
	if stateCount(t, page, "Dans un lot") != "2" {
		t.Fatalf("after the batch: %s", excerpt(page))
	}
	link := regexp.MustCompile(`href="(/declarations/lots/[^"/]+/flux\.xml)"`).FindStringSubmatch(page)
	if link == nil {
		t.Fatalf("no batch file to download: %s", excerpt(page))
	}
	res, err := sec.c.Get(base + link[1])
	if err != nil {
		t.Fatal(err)
	}
	flow, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if res.StatusCode != http.StatusOK || !strings.HasPrefix(res.Header.Get("Content-Type"), "application/xml") ||
		!strings.Contains(res.Header.Get("Content-Disposition"), "attachment") {
		t.Fatalf("download: status %d, %s, %s", res.StatusCode, res.Header.Get("Content-Type"), res.Header.Get("Content-Disposition"))
	}
	cdctest.Validate(t, flow)
	for _, want := range []string{"<idTechnique>" + certOf[w.CandidateA].ID + "</idTechnique>", "<idTechnique>" + certOf[w.CandidateB].ID + "</idTechnique>",
		"<idClient>12ABC345</idClient>", "<idContrat>MCFCER000123</idContrat>", "<code>RNCP12345</code>"} {
		if !bytes.Contains(flow, []byte(want)) {
			t.Errorf("the flow lacks %s", want)
		}
	}

	if n := lateOnDashboard(t, sec); n != "2" {
		t.Fatalf("the dashboard counts %s late declarations before the report, want 2", n)
	}

	// The Caisse des Dépôts accepts A's award and rejects B's.
	report := "<compteRenduTraitement>\n" +
		"<passageCertification><idTechnique>" + certOf[w.CandidateA].ID + "</idTechnique><statut>ACCEPTE</statut></passageCertification>\n" +
		"<passageCertification><idTechnique>" + certOf[w.CandidateB].ID + "</idTechnique><statut>REJETE</statut><motifRejet>Titulaire non retrouvé au répertoire</motifRejet></passageCertification>\n" +
		"</compteRenduTraitement>"
	status, loc, body := sec.uploadAs("/declarations/compte-rendu", "compte_rendu", "cr.xml", []byte(report))
	if status != http.StatusSeeOther || loc != "/declarations" {
		t.Fatalf("applying the report: status %d, body %s", status, excerpt(body))
	}
	page = sec.page("/declarations")
	if !strings.Contains(page, "Compte rendu appliqué : 1 déclaration(s) acceptée(s), 1 rejetée(s).") ||
		stateCount(t, page, "Acceptée") != "1" || stateCount(t, page, "Rejetée — à corriger") != "1" ||
		!strings.Contains(page, "Titulaire non retrouvé au répertoire") || !strings.Contains(page, certOf[w.CandidateB].Number) {
		t.Fatalf("after the report: %s", excerpt(page))
	}
	// The same report again changes nothing it already said.
	if status, _, body := sec.uploadAs("/declarations/compte-rendu", "compte_rendu", "cr.xml", []byte(report)); status != http.StatusSeeOther {
		t.Fatalf("the same report again: status %d, body %s", status, excerpt(body))
	}

	// The secretariat corrects B's identity from the proof: the rejected award goes back to
	// declare.
	holder, err := w.Service.Candidate(ctx, sys, w.CandidateB)
	if err != nil {
		t.Fatal(err)
	}
	form := url.Values{"birth_name": {holder.BirthName}, "first_names": {holder.FirstNames + " Anne"}, "birth_date": {"14/03/1995"}, "sex": {"F"},
		"birth_insee": {"75056"}, "birth_city": {"Paris"}, "reason": {"Acte de naissance"}}
	sec.submit("/candidats/"+w.CandidateB+"/identite", form)
	page = sec.page("/declarations")
	if stateCount(t, page, "Rejetée — à corriger") != "0" || !strings.Contains(page, "À déclarer : 1") {
		t.Fatalf("after correcting the identity: %s", excerpt(page))
	}

	// The dashboard counts the award of September not accepted yet, more than two months old.
	if n := lateOnDashboard(t, sec); n != "1" {
		t.Fatalf("the dashboard counts %s late declarations, want 1", n)
	}
}
