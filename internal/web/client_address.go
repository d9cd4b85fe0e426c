package web

import (
	"net"
	"net/http"
	"net/netip"
	"strings"
)

// clientAddress is the address a request comes from, as the throttles count it. Without
// trusted proxies it is the peer's address, whatever the request says. When the peer is one of
// trusted (a load balancer, a reverse proxy), X-Forwarded-For is read from the right, each hop
// appended by a proxy we trust skipped, and the first hop that is not ours is the client: the
// hops to its left were written by the client and prove nothing.
func clientAddress(r *http.Request, trusted []netip.Prefix) string {
	peer := r.RemoteAddr
	if host, _, err := net.SplitHostPort(r.RemoteAddr); err == nil {
		peer = host
	}
	addr, err := netip.ParseAddr(peer)
	if err != nil || !inPrefixes(addr, trusted) {
		return peer
	}
	var hops []string
	for _, v := range r.Header.Values("X-Forwarded-For") {
		hops = append(hops, strings.Split(v, ",")...)
	}
	client := addr
	for i := len(hops) - 1; i >= 0; i-- {
		hop, err := parseHop(hops[i])
		if err != nil {
			break // not an address: what is to its left cannot be trusted either
		}
		client = hop
		if !inPrefixes(hop, trusted) {
			break
		}
	}
	return client.String()
}

// parseHop reads one X-Forwarded-For entry: an address, possibly with a port.
func parseHop(s string) (netip.Addr, error) {
	s = strings.TrimSpace(s)
	if ap, err := netip.ParseAddrPort(s); err == nil {
		return ap.Addr().Unmap(), nil
	}
	a, err := netip.ParseAddr(s)
	return a.Unmap(), err
}

func inPrefixes(a netip.Addr, prefixes []netip.Prefix) bool {
	a = a.Unmap()
	for _, p := range prefixes {
		if p.Contains(a) {
			return true
		}
	}
	return false
}

// withClientAddress puts the client's address in RemoteAddr for every handler below (the
// pages and the API), so that they all count the same client behind trusted proxies.
func withClientAddress(next http.Handler, trusted []netip.Prefix) http.Handler {
	if len(trusted) == 0 {
		return next
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		r2 := r.WithContext(r.Context()) // a shallow copy: nothing below changes the headers
		r2.RemoteAddr = net.JoinHostPort(clientAddress(r, trusted), "0")
		next.ServeHTTP(w, r2)
	})
}
