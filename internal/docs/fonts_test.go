package docs

import (
	"encoding/binary"
	"testing"
)

// glyphIndex looks r up in the Unicode BMP cmap (format 4) of a TrueType font, the way a PDF
// reader finds the glyph to draw. It returns 0, the missing glyph, when r has none.
func glyphIndex(t *testing.T, ttf []byte, r rune) int {
	t.Helper()
	u16 := func(at int) int { return int(binary.BigEndian.Uint16(ttf[at:])) }
	u32 := func(at int) int { return int(binary.BigEndian.Uint32(ttf[at:])) }
	cmap := -1
	for i := range u16(4) {
		rec := 12 + 16*i
		if string(ttf[rec:rec+4]) == "cmap" {
			cmap = u32(rec + 8)
		}
	}
	if cmap < 0 {
		t.Fatal("the font has no cmap table")
	}
	for i := range u16(cmap + 2) {
		rec := cmap + 4 + 8*i
		platform, encoding, sub := u16(rec), u16(rec+2), cmap+u32(rec+4)
		if u16(sub) != 4 || !(platform == 3 && encoding == 1 || platform == 0) {
			continue
		}
		segs := u16(sub+6) / 2
		ends, starts := sub+14, sub+16+2*segs
		deltas, offsets := starts+2*segs, starts+4*segs
		c := int(r)
		for s := range segs {
			if c > u16(ends+2*s) || c < u16(starts+2*s) {
				continue
			}
			delta, ro := u16(deltas+2*s), u16(offsets+2*s)
			if ro == 0 {
				return (c + delta) & 0xFFFF
			}
			g := u16(offsets + 2*s + ro + 2*(c-u16(starts+2*s)))
			if g == 0 {
				return 0
			}
			return (g + delta) & 0xFFFF
		}
		return 0
	}
	t.Fatal("the font has no Unicode BMP cmap of format 4")
	return 0
}

func TestTheCutFacesKeepEveryCoveredCharacterOfTheFullFaces(t *testing.T) {
	french := "àâäæçéèêëîïôöœùûüÿÀÂÄÆÇÉÈÊËÎÏÔÖŒÙÛÜŸ«»‘’“”€…—–•°№≥≤×ễĳŁłŞşȘșȚț\u00A0\u202F\uFFFD"
	for i, face := range faces() {
		full := [][]byte{fontRegular, fontBold}[i]
		if len(face) >= len(full)/2 {
			t.Errorf("face %d is %d bytes after the cut, the full face %d: the cut did nothing", i, len(face), len(full))
		}
		for _, r := range french {
			if !covered(r) {
				t.Errorf("%q (U+%04X) is outside the covered ranges", r, r)
			}
			if glyphIndex(t, face, r) == 0 {
				t.Errorf("face %d has no glyph for %q (U+%04X)", i, r, r)
			}
		}
		missing := 0
		for _, r := range coverage() {
			if glyphIndex(t, full, r) != 0 && glyphIndex(t, face, r) == 0 {
				missing++
				if missing < 10 {
					t.Errorf("face %d lost the glyph of %q (U+%04X) in the cut", i, r, r)
				}
			}
		}
	}
}
