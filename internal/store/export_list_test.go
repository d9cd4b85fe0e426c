package store

import "maps"

// SetDeepOffset makes the whole candidates list start deep pages from a candidate from offset
// n on, so that tests reach that path with a few rows; it returns what restores the default.
func SetDeepOffset(n int) (restore func()) {
	old := deepOffset
	deepOffset = n
	return func() { deepOffset = old }
}

// SetEnrolmentDrivenLimit sets how many matching enrolments the list reads first and sorts
// when only enrolment conditions filter it (0: never); it returns what restores the default.
func SetEnrolmentDrivenLimit(n int) (restore func()) {
	old := maps.Clone(enrolmentDrivenLimit)
	for d := range enrolmentDrivenLimit {
		enrolmentDrivenLimit[d] = n
	}
	return func() { enrolmentDrivenLimit = old }
}
