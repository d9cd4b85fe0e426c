package rules

// InputError says which field of a candidate's (or a framework's) input breaks the rules, and
// why, in French: the message is safe to show to the person who entered the data. Field uses the
// names of the `cqp deliberate` contract, relative to the candidate or to the qualification
// ("evaluations.commission.C3", "blocks[1].competences[0].detailed").
type InputError struct {
	Field   string
	Message string
}

func (e *InputError) Error() string { return e.Field + " : " + e.Message }
