package web

import (
	"bytes"
	"encoding/gob"
	"maps"
	"slices"
	"time"

	"github.com/alexedwards/scs/v2"
)

// sessionCodec encodes a session as scs's gob codec does, but with its values in key order:
// gob writes a map in Go's random order, so the same session would give different bytes at
// each request, and the session store could never tell that nothing changed (it skips
// rewriting an unchanged session, store.SessionRefresh).
type sessionCodec struct{}

type sessionRecord struct {
	Deadline time.Time
	Keys     []string
	Values   []any
}

func (sessionCodec) Encode(deadline time.Time, values map[string]any) ([]byte, error) {
	r := sessionRecord{Deadline: deadline, Keys: slices.Sorted(maps.Keys(values))}
	for _, k := range r.Keys {
		r.Values = append(r.Values, values[k])
	}
	var b bytes.Buffer
	if err := gob.NewEncoder(&b).Encode(&r); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

func (sessionCodec) Decode(b []byte) (time.Time, map[string]any, error) {
	var r sessionRecord
	if err := gob.NewDecoder(bytes.NewReader(b)).Decode(&r); err != nil || len(r.Keys) != len(r.Values) {
		// A session saved by scs's own codec before this one: a map of values.
		return scs.GobCodec{}.Decode(b)
	}
	values := make(map[string]any, len(r.Keys))
	for i, k := range r.Keys {
		values[k] = r.Values[i]
	}
	return r.Deadline, values, nil
}
