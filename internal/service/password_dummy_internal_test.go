package service

import (
	"fmt"
	"strings"
	"testing"

	"golang.org/x/crypto/argon2"
)

func TestDummyHashCostsWhatARealHashCosts(t *testing.T) {
	t.Run("it has the current argon2id parameters, so that verifying it takes as long", func(t *testing.T) {
		want := fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$", argon2.Version, argonMemory, argonTime, argonThreads)
		if !strings.HasPrefix(dummyHash, want) {
			t.Fatalf("dummyHash %s lacks %s: regenerate it with HashPassword", dummyHash, want)
		}
	})
	t.Run("it is the hash of its password", func(t *testing.T) {
		if !VerifyPassword(dummyHash, "cqp-no-such-account") {
			t.Fatal("dummyHash does not verify")
		}
	})
}
