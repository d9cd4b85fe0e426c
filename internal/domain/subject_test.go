package domain

import "testing"

func TestSubjectRules(t *testing.T) {
	t.Run("a call is open from its opening to its closing day inclusive", func(t *testing.T) {
		c := SubjectCall{Year: 2026, OpensOn: NewDate(2026, 11, 1), ClosesOn: NewDate(2026, 12, 15)}
		for d, want := range map[Date]bool{NewDate(2026, 10, 31): false, NewDate(2026, 11, 1): true, NewDate(2026, 12, 15): true, NewDate(2026, 12, 16): false} {
			if c.OpenOn(d) != want {
				t.Errorf("%s: got %v", d, !want)
			}
		}
		c.ClosesOn = NewDate(2026, 10, 1)
		if err := c.Validate(); err == nil || err.(*Error).Fields["closes_on"] == "" {
			t.Errorf("a call closing before it opens: %v", err)
		}
	})
	t.Run("a refusal and a change need a reason, an acceptance a validity of 1 to 5 years", func(t *testing.T) {
		for _, c := range []struct {
			r     SubjectReview
			field string
		}{
			{SubjectReview{Decision: SubjectDecisionRefused}, "reason"},
			{SubjectReview{Decision: SubjectDecisionAcceptedWithChanges, ValidityYears: 2}, "reason"},
			{SubjectReview{Decision: SubjectDecisionAccepted, ValidityYears: 6}, "validity_years"},
			{SubjectReview{Decision: "maybe"}, "decision"},
		} {
			err := c.r.Validate()
			if err == nil || err.(*Error).Fields[c.field] == "" {
				t.Errorf("%+v: %v", c.r, err)
			}
		}
		if err := (SubjectReview{Decision: SubjectDecisionAccepted, ValidityYears: 3}).Validate(); err != nil {
			t.Error(err)
		}
	})
	t.Run("a subject is drawn only while accepted and valid", func(t *testing.T) {
		s := Subject{Status: SubjectAccepted, ValidUntil: NewDate(2027, 6, 30)}
		if !s.ValidOn(NewDate(2027, 6, 30)) || s.ValidOn(NewDate(2027, 7, 1)) {
			t.Error("validity day")
		}
		s.Status = SubjectRetired
		if s.ValidOn(NewDate(2027, 1, 1)) {
			t.Error("a retired subject is drawn")
		}
	})
	t.Run("attachment sizes read in French", func(t *testing.T) {
		for n, want := range map[int64]string{812: "812 octets", 34 * 1024: "34 Ko", 3 << 19: "1,5 Mo"} {
			if got := (SubjectAttachment{SizeBytes: n}).SizeLabel(); got != want {
				t.Errorf("%d: %q, want %q", n, got, want)
			}
		}
	})
	t.Run("only a PDF is attached", func(t *testing.T) {
		if err := CheckSubjectAttachment("photo.pdf", []byte("\x89PNG\r\n\x1a\n")); ErrorCode(err) != EINVALID {
			t.Errorf("a PNG named .pdf: %v", err)
		}
		if got := SafeFilename(`C:\Users\x\contrat.pdf`); got != "contrat.pdf" {
			t.Errorf("got %q", got)
		}
	})
}
