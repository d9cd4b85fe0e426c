package service

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"testing"
)

func TestWebhooksReachOnlyPublicAddressesAndThisMachineWhenNamed(t *testing.T) {
	for addr, allowed := range map[string]bool{
		"93.184.215.14": true, "2606:2800:21f:cb07:6820:80da:af6b:8b2c": true,
		"10.1.2.3": false, "172.16.0.1": false, "192.168.1.10": false, "100.64.0.1": false,
		"169.254.169.254": false, "fe80::1": false, "fd00::1": false, "0.0.0.0": false, "224.0.0.1": false,
		"::ffff:10.1.2.3": false, "127.0.0.1": false, "::1": false,
	} {
		if err := checkWebhookAddr(netip.MustParseAddr(addr), false); (err == nil) != allowed {
			t.Errorf("%s: %v, want allowed %v", addr, err, allowed)
		}
	}
	if err := checkWebhookAddr(netip.MustParseAddr("127.0.0.1"), true); err != nil {
		t.Errorf("loopback named as this machine: %v", err)
	}

	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(http.StatusAccepted) }))
	defer srv.Close()
	client := newWebhookClient()
	post := func(ctx context.Context) error {
		req, err := http.NewRequestWithContext(ctx, http.MethodPost, srv.URL, nil)
		if err != nil {
			t.Fatal(err)
		}
		resp, err := client.Do(req)
		if err == nil {
			resp.Body.Close()
		}
		return err
	}
	// A name that resolves to this machine without naming it is refused at the dial.
	if err := post(context.Background()); !errors.Is(err, errWebhookPrivateAddress) {
		t.Errorf("loopback reached without being named: %v", err)
	}
	if err := post(withLoopback(context.Background(), "127.0.0.1")); err != nil {
		t.Errorf("loopback named as this machine: %v", err)
	}
}
