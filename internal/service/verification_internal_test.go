package service

import (
	"bytes"
	"errors"
	"strings"
	"testing"

	"cqp/internal/store"
)

func TestNewVerificationCodeDrawsEveryCharacterEvenly(t *testing.T) {
	t.Run("bytes past the last multiple of the alphabet's size are drawn again", func(t *testing.T) {
		// 250…255 would favour the first six characters: they are skipped.
		src := []byte{255, 250, 0, 24, 25, 49, 50, 249, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16}
		code, err := newVerificationCode(bytes.NewReader(src))
		if err != nil {
			t.Fatal(err)
		}
		a := VerificationAlphabet
		want := string([]byte{a[0], a[24], a[0], a[24], a[0], a[24], a[1], a[2], a[3], a[4], a[5], a[6]})
		if code != want {
			t.Fatalf("code %q, want %q", code, want)
		}
	})
	t.Run("a source that runs dry is an error, not a short code", func(t *testing.T) {
		if _, err := newVerificationCode(bytes.NewReader([]byte{1, 2, 3})); err == nil {
			t.Fatal("no error")
		}
	})
	t.Run("secure draws are well formed, distinct, and use the whole alphabet", func(t *testing.T) {
		seen := map[string]bool{}
		used := map[rune]int{}
		for range 2000 {
			code, err := randomVerificationCode()
			if err != nil {
				t.Fatal(err)
			}
			if norm, ok := NormalizeVerificationCode(code); !ok || norm != code {
				t.Fatalf("malformed code %q", code)
			}
			if seen[code] {
				t.Fatalf("code %q drawn twice", code)
			}
			seen[code] = true
			for _, r := range code {
				used[r]++
			}
		}
		// 24 000 characters over 25: about 960 each; any below 700 means a skewed draw.
		for _, r := range VerificationAlphabet {
			if used[r] < 700 {
				t.Errorf("%q drawn %d times out of 24 000", r, used[r])
			}
		}
	})
}

func TestInsertWithFreshCodeDrawsAgainWhileTheCodeIsTaken(t *testing.T) {
	taken := map[string]bool{"AAAAAAAAAAAA": true, "CCCCCCCCCCCC": true}
	codes := []string{"AAAAAAAAAAAA", "CCCCCCCCCCCC", "DDDDDDDDDDDD"}
	draw := func() (string, error) { c := codes[0]; codes = codes[1:]; return c, nil }
	var stored []string
	insert := func(c store.Certificate) (bool, error) {
		if taken[c.VerificationCode] {
			return false, nil
		}
		stored = append(stored, c.VerificationCode)
		return true, nil
	}
	c := store.Certificate{Number: "COURTAGE-2026-000001"}
	if err := insertWithFreshCode(&c, draw, insert); err != nil {
		t.Fatal(err)
	}
	if c.VerificationCode != "DDDDDDDDDDDD" || strings.Join(stored, ",") != "DDDDDDDDDDDD" {
		t.Fatalf("stored %v with %q", stored, c.VerificationCode)
	}

	always := func() (string, error) { return "AAAAAAAAAAAA", nil }
	if err := insertWithFreshCode(&c, always, insert); err == nil || !strings.Contains(err.Error(), "no free verification code") {
		t.Fatalf("endless collisions: %v", err)
	}
	boom := errors.New("database down")
	failing := func(store.Certificate) (bool, error) { return false, boom }
	if err := insertWithFreshCode(&c, always, failing); !errors.Is(err, boom) {
		t.Fatalf("an insert error: %v", err)
	}
}
