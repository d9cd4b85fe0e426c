package web

import (
	"net/http/httptest"
	"net/netip"
	"testing"
)

func TestTheClientAddressIsTheRightMostHopThatIsNotATrustedProxy(t *testing.T) {
	trusted := []netip.Prefix{netip.MustParsePrefix("10.0.0.0/8"), netip.MustParsePrefix("2001:db8::/32")}
	for _, tc := range []struct {
		name    string
		peer    string
		xff     []string
		trusted []netip.Prefix
		want    string
	}{
		{"without trusted proxies the header is ignored", "203.0.113.5:4000", []string{"198.51.100.1"}, nil, "203.0.113.5"},
		{"a peer that is not a trusted proxy is the client, whatever it says", "203.0.113.5:4000", []string{"198.51.100.1"}, trusted, "203.0.113.5"},
		{"behind one proxy the last hop is the client", "10.0.0.2:4000", []string{"198.51.100.1"}, trusted, "198.51.100.1"},
		{"hops the client wrote to the left of the real one are not believed", "10.0.0.2:4000", []string{"1.2.3.4, 198.51.100.1"}, trusted, "198.51.100.1"},
		{"hops added by trusted proxies are skipped", "10.0.0.2:4000", []string{"1.2.3.4, 198.51.100.1, 10.0.0.9"}, trusted, "198.51.100.1"},
		{"several headers read as one list", "10.0.0.2:4000", []string{"1.2.3.4", "198.51.100.1, 10.0.0.9"}, trusted, "198.51.100.1"},
		{"a hop with a port counts by its address", "10.0.0.2:4000", []string{"[2001:db9::1]:443"}, trusted, "2001:db9::1"},
		{"a hop that is no address stops the reading at the proxy to its right", "10.0.0.2:4000", []string{"198.51.100.1, garbage, 10.0.0.9"}, trusted, "10.0.0.9"},
		{"without the header a trusted proxy's request is the proxy's", "10.0.0.2:4000", nil, trusted, "10.0.0.2"},
		{"when every hop is a trusted proxy the left-most is taken", "10.0.0.2:4000", []string{"10.1.1.1, 10.0.0.9"}, trusted, "10.1.1.1"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := httptest.NewRequest("GET", "/verifier", nil)
			r.RemoteAddr = tc.peer
			for _, v := range tc.xff {
				r.Header.Add("X-Forwarded-For", v)
			}
			if got := clientAddress(r, tc.trusted); got != tc.want {
				t.Fatalf("got %s, want %s", got, tc.want)
			}
		})
	}
}
