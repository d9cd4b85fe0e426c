package frameworkfile

import (
	_ "embed"
	"fmt"
)

// ShippedName is the name of the framework file embedded in the binary.
const ShippedName = "brokerage.yaml"

//go:embed brokerage.yaml
var shipped []byte

// Shipped returns the framework of the insurance and reinsurance brokerage branch (IDCC 2247)
// that cqp ships and loads at first start: the three CQPs of its 2017 guide, with every item
// the guide does not give flagged to_confirm.
func Shipped() (File, error) {
	f, err := Parse(ShippedName, shipped)
	if err != nil {
		return File{}, fmt.Errorf("shipped framework %s: %w", ShippedName, err)
	}
	return f, nil
}

// ShippedSource returns the text of the shipped framework file, comments included, for a
// branch that wants to start its own file from it.
func ShippedSource() []byte {
	return append([]byte(nil), shipped...)
}
