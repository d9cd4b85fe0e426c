package web

import (
	"bytes"
	"maps"
	"testing"
	"time"

	"github.com/alexedwards/scs/v2"
)

func TestSessionCodec(t *testing.T) {
	deadline := time.Date(2026, 12, 4, 20, 0, 0, 0, time.UTC)
	values := map[string]any{sessionUserKey: "u-42", sessionGenerationKey: 3, flashKey: "Enregistré.", "z": "dernier"}

	t.Run("the same session always encodes to the same bytes", func(t *testing.T) {
		first, err := sessionCodec{}.Encode(deadline, values)
		if err != nil {
			t.Fatal(err)
		}
		for range 50 { // map order changes from one iteration to the next
			again, err := sessionCodec{}.Encode(deadline, maps.Clone(values))
			if err != nil || !bytes.Equal(again, first) {
				t.Fatalf("encoded differently: %v", err)
			}
		}
	})

	t.Run("it decodes what it encodes, values of every type kept", func(t *testing.T) {
		b, err := sessionCodec{}.Encode(deadline, values)
		if err != nil {
			t.Fatal(err)
		}
		d, got, err := sessionCodec{}.Decode(b)
		if err != nil || !d.Equal(deadline) || !maps.Equal(got, values) {
			t.Fatalf("%v %v %v", d, got, err)
		}
	})

	t.Run("a session saved with scs's own codec before still opens", func(t *testing.T) {
		for _, vs := range []map[string]any{values, {}} {
			b, err := scs.GobCodec{}.Encode(deadline, vs)
			if err != nil {
				t.Fatal(err)
			}
			d, got, err := sessionCodec{}.Decode(b)
			if err != nil || !d.Equal(deadline) || !maps.Equal(got, vs) {
				t.Fatalf("%v %v %v", d, got, err)
			}
		}
	})
}
