package web_test

import (
	"fmt"
	"net/http"
	"net/netip"
	"net/url"
	"sync"
	"testing"

	"cqp/internal/domain"
	"cqp/internal/service"
	"cqp/internal/service/servicetest"
	"cqp/internal/store/storetest"
	"cqp/internal/web"
)

// parallel sends n requests at once, each built by send(i), and counts the answers by status.
func parallel(t *testing.T, n int, send func(i int) (*http.Response, error)) map[int]int {
	t.Helper()
	var (
		wg       sync.WaitGroup
		mu       sync.Mutex
		statuses = map[int]int{}
		start    = make(chan struct{})
	)
	for i := 0; i < n; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			<-start
			res, err := send(i)
			mu.Lock()
			defer mu.Unlock()
			if err != nil {
				t.Error(err)
				return
			}
			res.Body.Close()
			statuses[res.StatusCode]++
		}(i)
	}
	close(start)
	wg.Wait()
	return statuses
}

func TestParallelWrongPasswordsAreThrottledLikeSequentialOnes(t *testing.T) {
	for _, target := range storetest.Targets(t) {
		t.Run(target.Name, func(t *testing.T) {
			s := newSiteOn(t, target)
			c := s.client(t, "")
			account := s.world.Accounts[domain.RoleSecretariat]
			statuses := parallel(t, 40, func(int) (*http.Response, error) {
				return c.PostForm(s.URL+"/connexion", url.Values{"email": {account}, "password": {"pas-le-bon-mot-de-passe"}})
			})
			if statuses[http.StatusUnauthorized] > 5 || statuses[http.StatusUnauthorized]+statuses[http.StatusTooManyRequests] != 40 {
				t.Fatalf("40 parallel wrong passwords answered %v: at most 5 may be tried, the others refused with 429", statuses)
			}
			// Every attempt of the wave counted, but those refused because the server was busy
			// hashing, which were given back (how many depends on timing). Wrong passwords one
			// after the other reach the limit within what the wave left, never beyond 5 in all;
			// then the right password is refused too.
			tried, throttled := statuses[http.StatusUnauthorized], false
			for !throttled && tried <= 5 {
				res, err := c.PostForm(s.URL+"/connexion", url.Values{"email": {account}, "password": {"pas-le-bon-mot-de-passe"}})
				if err != nil {
					t.Fatal(err)
				}
				res.Body.Close()
				switch res.StatusCode {
				case http.StatusTooManyRequests:
					throttled = true
				case http.StatusUnauthorized:
					tried++
				default:
					t.Fatalf("a wrong password answered %d", res.StatusCode)
				}
			}
			if !throttled {
				t.Fatalf("%d wrong passwords were tried on the account in all; at most 5 may be", tried)
			}
			res, err := c.PostForm(s.URL+"/connexion", url.Values{"email": {account}, "password": {servicetest.Password}})
			if err != nil {
				t.Fatal(err)
			}
			res.Body.Close()
			if res.StatusCode != http.StatusTooManyRequests || res.Header.Get("Retry-After") == "" {
				t.Fatalf("after the wave the right password answered %d, Retry-After %q; want 429 with Retry-After", res.StatusCode, res.Header.Get("Retry-After"))
			}
		})
	}
}

func TestParallelVerificationsStopAtTheLimit(t *testing.T) {
	for _, target := range storetest.Targets(t) {
		t.Run(target.Name, func(t *testing.T) {
			s := newSiteOn(t, target)
			c := s.client(t, "")
			n := service.VerifyLimit + 10
			statuses := parallel(t, n, func(int) (*http.Response, error) {
				return c.Get(s.URL + "/verifier/ACDEFGHJKMNP")
			})
			if statuses[http.StatusNotFound] != service.VerifyLimit || statuses[http.StatusTooManyRequests] != 10 {
				t.Fatalf("%d parallel lookups answered %v: want %d answers and 10 refusals", n, statuses, service.VerifyLimit)
			}
		})
	}
}

func TestParallelPublicVAERequestsStopAtTheLimit(t *testing.T) {
	for _, target := range storetest.Targets(t) {
		t.Run(target.Name, func(t *testing.T) {
			s := newSiteOn(t, target)
			c := s.client(t, "")
			blocks := s.world.OptionalBlocks(t, "IARD")
			n := service.OnlineRequestLimit + 5
			statuses := parallel(t, n, func(i int) (*http.Response, error) {
				form := url.Values{"birth_name": {"Kervella"}, "first_names": {"Gaëlle"}, "birth_date": {"02/06/1988"}, "sex": {"F"},
					"birth_insee": {"29019"}, "email": {"demande" + string(rune('a'+i)) + "@example.fr"}, "qualification": {"IARD"},
					"public": {"employee"}, "message": {"Deux ans en cabinet."}, "consent": {"yes"}}
				form["blocks_IARD"] = blocks
				return c.PostForm(s.URL+"/demande-vae", form)
			})
			if statuses[http.StatusTooManyRequests] != 5 {
				t.Fatalf("%d parallel requests answered %v: exactly %d may pass the limit, the others refused with 429", n, statuses, service.OnlineRequestLimit)
			}
		})
	}
}

func TestBehindTrustedProxiesEachClientAddressHasItsOwnLimit(t *testing.T) {
	lookups := func(s *site, from func(i int) string) map[int]int {
		c := s.client(t, "")
		return parallel(t, service.VerifyLimit+10, func(i int) (*http.Response, error) {
			req, err := http.NewRequest(http.MethodGet, s.URL+"/verifier/ACDEFGHJKMNP", nil)
			if err != nil {
				return nil, err
			}
			req.Header.Set("X-Forwarded-For", from(i))
			return c.Do(req)
		})
	}
	everyone := func(i int) string { return fmt.Sprintf("198.51.100.%d", i+1) }
	oneClient := func(i int) string { return fmt.Sprintf("1.2.3.%d, 198.51.100.250", i+1) }

	t.Run("without trusted proxies the header is ignored: one address, one limit", func(t *testing.T) {
		s := newSite(t)
		if statuses := lookups(s, everyone); statuses[http.StatusTooManyRequests] != 10 {
			t.Fatalf("answers %v: the forwarded addresses were believed", statuses)
		}
	})
	t.Run("behind a trusted proxy each forwarded client counts apart", func(t *testing.T) {
		s := newSiteWith(t, storetest.Targets(t)[0], web.Options{InsecureCookies: true, TrustedProxies: []netip.Prefix{netip.MustParsePrefix("127.0.0.0/8")}})
		if statuses := lookups(s, everyone); statuses[http.StatusNotFound] != service.VerifyLimit+10 {
			t.Fatalf("answers %v: clients behind the proxy shared one limit", statuses)
		}
		if statuses := lookups(s, oneClient); statuses[http.StatusTooManyRequests] != 10 {
			t.Fatalf("answers %v: a client escaped its limit by writing hops of its own", statuses)
		}
	})
}
