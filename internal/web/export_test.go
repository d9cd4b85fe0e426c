package web

// SetCandidatesCounted lowers how far the candidates list counts; the returned func restores it.
func SetCandidatesCounted(n int) (restore func()) {
	old := candidatesCounted
	candidatesCounted = n
	return func() { candidatesCounted = old }
}
