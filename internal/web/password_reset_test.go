package web_test

import (
	"context"
	"io"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"

	"cqp/internal/service/servicetest"
)

// resetRequest posts the « mot de passe oublié » form for email and returns the status and
// the page it leads to (the redirect's target when there is one).
func (s *site) resetRequest(t *testing.T, c *http.Client, email string) (int, string) {
	t.Helper()
	res, err := c.PostForm(s.URL+"/mot-de-passe/oubli", url.Values{"email": {email}})
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if res.StatusCode == http.StatusSeeOther {
		code, page := s.do(t, c, http.MethodGet, res.Header.Get("Location"))
		if code != http.StatusOK {
			t.Fatalf("page after the reset request: %d", code)
		}
		return res.StatusCode, page
	}
	return res.StatusCode, string(b)
}

// resetLinks returns the reset links mailed to email, oldest first, as their tokens.
func (s *site) resetLinks(t *testing.T, email string) []string {
	t.Helper()
	mails, err := s.store.Read().ListMail(context.Background(), 1000)
	if err != nil {
		t.Fatal(err)
	}
	var tokens []string
	for i := len(mails) - 1; i >= 0; i-- {
		m := mails[i]
		if m.To != email || !strings.Contains(m.Body, "jeton=") {
			continue
		}
		_, after, _ := strings.Cut(m.Body, "jeton=")
		tokens = append(tokens, strings.Fields(after)[0])
	}
	return tokens
}

func (s *site) resetLinkWorks(t *testing.T, token string) bool {
	t.Helper()
	_, page := s.do(t, s.client(t, ""), http.MethodGet, "/mot-de-passe/nouveau?jeton="+url.QueryEscape(token))
	return strings.Contains(page, `name="password"`)
}

func TestPasswordResetRequestsAreThrottledPerAccountAndOnlyTheLastLinkWorks(t *testing.T) {
	s := newSite(t)
	email := s.world.Accounts["secretariat"]
	var statuses []int
	for i := 0; i < 50; i++ {
		// A fresh client each time: a new session must not reset the count.
		code, page := s.resetRequest(t, s.client(t, ""), email)
		statuses = append(statuses, code)
		if code == http.StatusTooManyRequests && !strings.Contains(page, "Trop de demandes de réinitialisation") {
			t.Fatalf("refusal without its French message: %.600s", page)
		}
	}
	for i, code := range statuses {
		want := http.StatusSeeOther
		if i >= 3 {
			want = http.StatusTooManyRequests
		}
		if code != want {
			t.Fatalf("request %d answered %d, want %d (all: %v)", i+1, code, want, statuses)
		}
	}
	links := s.resetLinks(t, email)
	if len(links) != 3 {
		t.Fatalf("%d reset mails for 50 requests, want 3", len(links))
	}
	for i, token := range links[:2] {
		if s.resetLinkWorks(t, token) {
			t.Errorf("link %d still works after a newer one was sent", i+1)
		}
	}
	if !s.resetLinkWorks(t, links[2]) {
		t.Fatal("the last link does not work")
	}
}

func TestPasswordResetRequestsAreThrottledPerAddress(t *testing.T) {
	s := newSite(t)
	var last int
	var page string
	for i := 0; i < 11; i++ {
		last, page = s.resetRequest(t, s.client(t, ""), "personne"+string(rune('a'+i))+"@exemple.fr")
	}
	if last != http.StatusTooManyRequests || !strings.Contains(page, "Trop de demandes de réinitialisation") {
		t.Fatalf("eleventh request from one address answered %d: %.600s", last, page)
	}
}

func TestPasswordResetAnswersAlikeWhetherOrNotTheAccountExists(t *testing.T) {
	s := newSite(t)
	answers := func(email string) []string {
		var out []string
		for i := 0; i < 4; i++ {
			// One address per e-mail would share the address's count: the second e-mail
			// starts where the first stopped, still under the address's limit.
			code, page := s.resetRequest(t, s.client(t, ""), email)
			_, main, _ := strings.Cut(page, "<main")
			main = strings.ReplaceAll(main, email, "ADRESSE")
			out = append(out, http.StatusText(code)+"\n"+main)
		}
		return out
	}
	known := answers(s.world.Accounts["secretariat"])
	unknown := answers("personne@exemple.fr")
	for i := range known {
		if known[i] != unknown[i] {
			t.Fatalf("request %d: the answer tells whether the account exists:\nknown: %.500s\nunknown: %.500s", i+1, known[i], unknown[i])
		}
	}
	if len(s.resetLinks(t, "personne@exemple.fr")) != 0 {
		t.Fatal("a mail was queued for an address without an account")
	}
}

func TestParallelPasswordResetRequestsNeverOvershootTheLimit(t *testing.T) {
	s := newSite(t)
	email := s.world.Accounts["secretariat"]
	var wg sync.WaitGroup
	for i := 0; i < 20; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			res, err := http.PostForm(s.URL+"/mot-de-passe/oubli", url.Values{"email": {email}})
			if err != nil {
				t.Error(err)
				return
			}
			res.Body.Close()
		}()
	}
	wg.Wait()
	if n := len(s.resetLinks(t, email)); n != 3 {
		t.Fatalf("%d reset mails for 20 parallel requests, want 3", n)
	}
}

var _ = servicetest.Password
