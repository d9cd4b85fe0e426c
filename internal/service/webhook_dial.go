package service

import (
	"context"
	"errors"
	"net"
	"net/http"
	"net/netip"
	"syscall"
	"time"
)

// A webhook's address is a partner's, on the internet: the server never posts to its own
// network through one (the cloud's metadata service, a database's HTTP port, an intranet), even
// when a name resolves there or later changes to. The check is made on the address actually
// dialled, after resolution. This machine's loopback is reached only by an address written
// localhost, 127.0.0.1 or ::1 (a local development, the tests).

// errWebhookPrivateAddress is why a delivery to an address of a private network is refused.
var errWebhookPrivateAddress = errors.New("adresse d'un réseau privé ou local refusée")

// loopbackAllowed marks a delivery whose address names this machine itself.
type loopbackAllowed struct{}

// newWebhookClient sends deliveries: no proxy, no redirect followed, WebhookTimeout, and only
// to public addresses.
func newWebhookClient() *http.Client {
	dialer := &net.Dialer{Timeout: WebhookTimeout}
	transport := &http.Transport{
		Proxy: nil,
		DialContext: func(ctx context.Context, network, addr string) (net.Conn, error) {
			d := *dialer
			loopback, _ := ctx.Value(loopbackAllowed{}).(bool)
			d.Control = func(_, address string, _ syscall.RawConn) error {
				ap, err := netip.ParseAddrPort(address)
				if err != nil {
					return err
				}
				return checkWebhookAddr(ap.Addr(), loopback)
			}
			return d.DialContext(ctx, network, addr)
		},
		TLSHandshakeTimeout:   WebhookTimeout,
		ResponseHeaderTimeout: WebhookTimeout,
		IdleConnTimeout:       90 * time.Second,
		MaxIdleConnsPerHost:   2,
	}
	return &http.Client{Timeout: WebhookTimeout, Transport: transport, CheckRedirect: func(*http.Request, []*http.Request) error {
		return http.ErrUseLastResponse
	}}
}

// checkWebhookAddr refuses the addresses a webhook may not reach: private, shared, link-local
// (the metadata service), unspecified and multicast ones, and the loopback unless the address
// was written as this machine.
func checkWebhookAddr(ip netip.Addr, loopbackOK bool) error {
	ip = ip.Unmap()
	switch {
	case ip.IsLoopback():
		if loopbackOK {
			return nil
		}
		return errWebhookPrivateAddress
	case ip.IsPrivate(), ip.IsLinkLocalUnicast(), ip.IsLinkLocalMulticast(), ip.IsInterfaceLocalMulticast(),
		ip.IsMulticast(), ip.IsUnspecified(), sharedAddressSpace.Contains(ip):
		return errWebhookPrivateAddress
	}
	return nil
}

// sharedAddressSpace is the carrier-grade NAT range (RFC 6598), private in effect.
var sharedAddressSpace = netip.MustParsePrefix("100.64.0.0/10")

// withLoopback lets a delivery reach this machine when its address names it.
func withLoopback(ctx context.Context, host string) context.Context {
	switch host {
	case "localhost", "127.0.0.1", "::1":
		return context.WithValue(ctx, loopbackAllowed{}, true)
	}
	return ctx
}
