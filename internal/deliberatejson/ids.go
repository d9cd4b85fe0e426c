package deliberatejson

import (
	"errors"
	"hash/maphash"
)

// idSet holds the candidates' ids met so far as 64-bit hashes, 8 bytes each in an
// open-addressing table at most three quarters full, rather than the ids themselves: 16 MB
// for a million candidates instead of the ~70 MB a map of strings would take. Meeting a hash
// again is only a suspicion, which firstWithID settles by reading the candidates again.
type idSet struct {
	seed  maphash.Seed
	slots []uint64 // 0: empty
	n     int
}

func newIDSet() *idSet {
	return &idSet{seed: maphash.MakeSeed(), slots: make([]uint64, 1024)}
}

// add records id and says whether its hash was already there.
func (t *idSet) add(id string) bool {
	h := maphash.String(t.seed, id)
	if h == 0 {
		h = 1
	}
	if 4*(t.n+1) > 3*len(t.slots) {
		old := t.slots
		t.slots = make([]uint64, 2*len(old))
		t.n = 0
		for _, x := range old {
			if x != 0 {
				t.insert(x)
			}
		}
	}
	return !t.insert(h)
}

// insert adds h and says whether it was new.
func (t *idSet) insert(h uint64) bool {
	mask := uint64(len(t.slots) - 1)
	for i := h & mask; ; i = (i + 1) & mask {
		switch t.slots[i] {
		case 0:
			t.slots[i] = h
			t.n++
			return true
		case h:
			return false
		}
	}
}

var errFound = errors.New("found")

// firstWithID reads the candidates before candidates[before] again and returns the index of
// the first whose id is id, or -1. They have been checked already: they are well formed.
func (d *deliberation) firstWithID(id string, before int) (int, error) {
	s := d.rescan()
	found := -1
	err := s.array(func(i int) error {
		if i >= before {
			return errFound
		}
		s.release()
		return s.object(func(key string) error {
			if key != "id" {
				return s.skipValue()
			}
			other, err := s.str()
			if err == nil && other == id {
				found = i
				return errFound
			}
			return err
		})
	})
	switch {
	case s.err != nil:
		return -1, s.err
	case err != nil && err != errFound:
		return -1, errors.New("relecture des identifiants : " + err.Error())
	}
	return found, nil
}
