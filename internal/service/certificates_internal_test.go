package service

import (
	"slices"
	"testing"

	"cqp/internal/domain"
)

func TestAnAttestationListsItsBlocksInTheFrameworksOrder(t *testing.T) {
	fw := domain.Framework{Blocks: []domain.Block{{Code: "BC1"}, {Code: "BC2"}, {Code: "SPE1"}, {Code: "SPE2"}, {Code: "OPT1"}, {Code: "OPT2"}}}
	// The store gives the blocks acquired at a session by code: OPT before SPE.
	got := blocksInFrameworkOrder(fw, []string{"BC2", "OPT1", "OPT2", "SPE1", "SPE2", "GONE"})
	if want := []string{"BC2", "SPE1", "SPE2", "OPT1", "OPT2", "GONE"}; !slices.Equal(got, want) {
		t.Fatalf("got %v, want %v", got, want)
	}
}
