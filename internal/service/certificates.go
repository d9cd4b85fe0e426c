package service

import (
	"archive/zip"
	"bytes"
	"context"
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"

	"cqp/internal/docs"
	"cqp/internal/domain"
	"cqp/internal/store"
)

// The jury's outcomes for a candidate, written on jury_candidates when a session is closed.
const (
	outcomeCertified = "certified"
	outcomePartial   = "partial"
)

// OutcomeLabel says a jury outcome in French.
func OutcomeLabel(outcome string) string {
	switch outcome {
	case outcomeCertified:
		return "certifié"
	case outcomePartial:
		return "validation partielle"
	case "not_certified":
		return "non certifié"
	case "":
		return "non décidé"
	}
	return outcome
}

// The signatories' roles, as printed on the documents (DOMAIN.md §6).
const (
	roleJuryPresident = "Président·e du jury"
	roleCSCAPresident = "Président·e de la CSCA"
	roleCPNEPresident = "Président·e de la CPNE"
)

// signatoriesOf returns the three signatories, and the roles whose names are missing. The
// names are those the branch's settings held when the session closed (its snapshot); a name
// missing then is taken from the settings now.
func signatoriesOf(bs store.BranchSettings, snapshot *JurySnapshot) ([]store.CertificateSignatory, []string) {
	names := [3]string{bs.JuryPresidentName, bs.CSCAPresidentName, bs.CPNEPresidentName}
	if snapshot != nil {
		for i, n := range []string{snapshot.Signatories.JuryPresident, snapshot.Signatories.CSCAPresident, snapshot.Signatories.CPNEPresident} {
			if strings.TrimSpace(n) != "" {
				names[i] = n
			}
		}
	}
	sigs := []store.CertificateSignatory{
		{Role: roleJuryPresident, Name: strings.TrimSpace(names[0])},
		{Role: roleCSCAPresident, Name: strings.TrimSpace(names[1])},
		{Role: roleCPNEPresident, Name: strings.TrimSpace(names[2])},
	}
	var missing []string
	for _, s := range sigs {
		if s.Name == "" {
			missing = append(missing, s.Role)
		}
	}
	return sigs, missing
}

// holderName is the name printed on a document: every first name, then the name in capitals
// (the used name when there is one).
func holderName(ic store.IssuingCandidate) string {
	first := strings.Join(strings.FieldsFunc(ic.FirstNames, func(r rune) bool { return r == ',' || r == ' ' }), " ")
	name := ic.BirthName
	if strings.TrimSpace(ic.UsedName) != "" {
		name = ic.UsedName
	}
	return strings.TrimSpace(first + " " + strings.ToUpper(strings.TrimSpace(name)))
}

// plannedDocument is what a candidate of a closed session is owed: a certificate when every
// block is acquired, one attestation per block acquired at the session for a partial result
// (DOMAIN.md §5), nothing otherwise (Note says why).
type plannedDocument struct {
	Kind   store.CertificateKind // "" for none
	Blocks []string
	Note   string
}

func planDocument(ic store.IssuingCandidate) plannedDocument {
	switch ic.Outcome {
	case outcomeCertified:
		return plannedDocument{Kind: store.KindCertificate, Blocks: ic.Blocks}
	case outcomePartial:
		if len(ic.AcquiredHere) == 0 {
			return plannedDocument{Note: "Aucun bloc acquis à cette session : pas d'attestation."}
		}
		return plannedDocument{Kind: store.KindAttestation, Blocks: ic.AcquiredHere}
	case "":
		return plannedDocument{Note: "Résultat non décidé : pas de document."}
	}
	return plannedDocument{Note: "Non certifié : pas de document."}
}

// SessionDocumentRow is one candidate of a closed session with the documents issued to them.
// A candidate with a partial result is owed one attestation per block acquired at the session.
type SessionDocumentRow struct {
	Candidate  store.IssuingCandidate
	HolderName string
	Outcome    string // in French
	Planned    store.CertificateKind
	Note       string
	Documents  []store.Certificate
	Elsewhere  string // set when a rectification session issues this candidate's documents instead
}

// Owed is the number of documents the row's candidate is owed by this session: one
// certificate, one attestation per block acquired here, or none.
func (r SessionDocumentRow) Owed() int {
	switch {
	case r.Planned == "" || r.Elsewhere != "":
		return 0
	case r.Planned == store.KindAttestation:
		return len(r.Candidate.AcquiredHere)
	}
	return 1
}

// SessionDocuments is the issuing page of a session: its candidates, what each is owed and
// has received, and what issuing still lacks.
type SessionDocuments struct {
	Session            store.JurySession
	AwardedOn          domain.Date
	BranchName         string
	Place              string // the city the documents say they were made in: « Fait à Paris »
	Signatories        []store.CertificateSignatory
	MissingSignatories []string // roles whose names are missing from the settings
	Rows               []SessionDocumentRow
	Counts             store.CertificateCounts
	RectifiedBy        *store.JurySession
	Rectifies          *store.JurySession
	// ToConfirm lists, while the documents are not issued, the framework versions of the
	// candidates owed one that still hold items flagged to confirm: a document would print them.
	ToConfirm []FrameworkToConfirm
}

// FrameworkToConfirm is a framework version with the items the branch must still confirm.
type FrameworkToConfirm struct {
	FrameworkID        string
	QualificationCode  string
	QualificationTitle string
	Version            int
	Items              []domain.FrameworkItem
}

// Problem says in French what the items to confirm prevent, listing them, and where to
// confirm them.
func (f FrameworkToConfirm) Problem() string {
	labels := make([]string, len(f.Items))
	for i, it := range f.Items {
		labels[i] = it.Label()
	}
	n := fmt.Sprintf("%d éléments", len(f.Items))
	if len(f.Items) == 1 {
		n = "1 élément"
	}
	return fmt.Sprintf("Le référentiel « %s », version %d, a %s à confirmer par la branche : %s. "+
		"Un certificat ou une attestation n'imprime jamais un élément à confirmer : le secrétariat confirme chacun tel quel "+
		"ou corrige son intitulé sur la page de ce référentiel (Référentiels → %s → version %d), puis délivre les documents.",
		f.QualificationTitle, f.Version, n, strings.Join(labels, " ; "), f.QualificationTitle, f.Version)
}

// Issued reports whether the session's documents were issued.
func (d SessionDocuments) Issued() bool { return d.Counts.Documents > 0 }

// Owed is the number of documents the session's results call for.
func (d SessionDocuments) Owed() int {
	n := 0
	for _, r := range d.Rows {
		n += r.Owed()
	}
	return n
}

// Problems lists, in French, what prevents issuing; empty when it may go ahead. Items to
// confirm come right after the session's own state, each framework's listed in full.
func (d SessionDocuments) Problems() []string {
	out := d.sessionProblems()
	for _, f := range d.ToConfirm {
		out = append(out, f.Problem())
	}
	return append(out, d.settingsProblems()...)
}

// PageProblems are the problems but the items to confirm, which the issuing page lists item
// by item with a link to their framework.
func (d SessionDocuments) PageProblems() []string {
	return append(d.sessionProblems(), d.settingsProblems()...)
}

func (d SessionDocuments) sessionProblems() []string {
	var out []string
	if d.Session.Status != store.JuryClosed {
		out = append(out, "La session n'est pas close : les documents se délivrent une fois les résultats figés par la clôture.")
	}
	if d.Issued() {
		out = append(out, "Les documents de cette session ont déjà été délivrés : une décision du jury ne donne lieu qu'à une délivrance. Pour corriger un document, révoquez-le ; une nouvelle décision passe par une session rectificative.")
	}
	return out
}

func (d SessionDocuments) settingsProblems() []string {
	var out []string
	if len(d.MissingSignatories) > 0 {
		out = append(out, "Les noms des signataires manquent ("+strings.Join(d.MissingSignatories, ", ")+") : renseignez-les dans les paramètres de la branche.")
	}
	if strings.TrimSpace(d.Place) == "" {
		out = append(out, "La ville de signature manque : le lieu de la session n'en nomme pas (jury en visioconférence, ou une salle sans sa ville) ; indiquez la ville de signature dans les paramètres de la branche.")
	}
	if d.Session.Status == store.JuryClosed && !d.Issued() && d.Owed() == 0 {
		if d.RectifiedBy != nil {
			out = append(out, "Les résultats de cette session sont rectifiés par la session du "+domain.DateOf(d.RectifiedBy.StartsAt).String()+" : délivrez les documents depuis celle-ci.")
		} else {
			out = append(out, "Aucun candidat de cette session n'est certifié ni n'a acquis de bloc : il n'y a pas de document à délivrer.")
		}
	}
	return out
}

// SessionDocuments returns the issuing page of a session for the secretariat.
func (s *Service) SessionDocuments(ctx context.Context, a domain.Actor, sessionID string) (SessionDocuments, error) {
	if err := Check(a, ActCertificateIssue); err != nil {
		return SessionDocuments{}, err
	}
	return s.sessionDocuments(ctx, s.store.Read(), sessionID)
}

func (s *Service) sessionDocuments(ctx context.Context, q store.Q, sessionID string) (SessionDocuments, error) {
	sess, err := q.JurySession(ctx, sessionID)
	if err != nil {
		return SessionDocuments{}, err
	}
	d := SessionDocuments{Session: sess, AwardedOn: domain.DateOf(sess.StartsAt)}
	branches, err := q.Branches(ctx)
	if err != nil {
		return d, err
	}
	for _, b := range branches {
		if b.ID == sess.BranchID {
			d.BranchName = b.Name
		}
	}
	bs, err := q.BranchSettings(ctx, sess.BranchID)
	if err != nil {
		return d, err
	}
	var snapshot *JurySnapshot
	if sess.Snapshot != "" {
		sn, err := ParseJurySnapshot(sess.Snapshot)
		if err != nil {
			return d, err
		}
		snapshot = &sn
	}
	d.Signatories, d.MissingSignatories = signatoriesOf(bs, snapshot)
	configured, err := q.SignaturePlace(ctx, sess.BranchID)
	if err != nil {
		return d, err
	}
	d.Place = SignatureCity(sess.Place, configured)
	if rect, ok, err := q.RectificationOf(ctx, sessionID); err != nil {
		return d, err
	} else if ok {
		d.RectifiedBy = &rect
	}
	if sess.RectifiesSessionID != "" {
		orig, err := q.JurySession(ctx, sess.RectifiesSessionID)
		if err != nil {
			return d, err
		}
		d.Rectifies = &orig
	}
	elsewhere := map[string]bool{}
	if d.RectifiedBy != nil {
		cands, err := q.JuryCandidates(ctx, d.RectifiedBy.ID)
		if err != nil {
			return d, err
		}
		for _, c := range cands {
			elsewhere[c.EnrolmentID] = true
		}
	}
	cands, err := q.IssuingCandidates(ctx, sessionID)
	if err != nil {
		return d, err
	}
	issued, err := q.Certificates(ctx, store.CertificateFilter{SessionID: sessionID})
	if err != nil {
		return d, err
	}
	byEnrolment := map[string][]store.Certificate{}
	for _, c := range issued.Items {
		byEnrolment[c.EnrolmentID] = append(byEnrolment[c.EnrolmentID], c)
		d.Counts.Documents++
		if c.Revoked() {
			d.Counts.Revoked++
		} else if c.MailedAt == nil {
			d.Counts.Unmailed++
		}
	}
	for _, ic := range cands {
		p := planDocument(ic)
		row := SessionDocumentRow{Candidate: ic, HolderName: holderName(ic), Outcome: OutcomeLabel(ic.Outcome),
			Planned: p.Kind, Note: p.Note, Documents: byEnrolment[ic.EnrolmentID]}
		if elsewhere[ic.EnrolmentID] {
			row.Elsewhere = "Résultat rectifié par la session du " + domain.DateOf(d.RectifiedBy.StartsAt).String() + " : ses documents sont délivrés par celle-ci."
		}
		d.Rows = append(d.Rows, row)
	}
	if !d.Issued() {
		if d.ToConfirm, err = frameworksToConfirm(ctx, q, d.Rows); err != nil {
			return d, err
		}
	}
	return d, nil
}

// frameworksToConfirm returns the framework versions of the candidates owed a document that
// still hold items to confirm, in the order of the rows.
func frameworksToConfirm(ctx context.Context, q store.Q, rows []SessionDocumentRow) ([]FrameworkToConfirm, error) {
	var out []FrameworkToConfirm
	seen := map[string]bool{}
	for _, row := range rows {
		id := row.Candidate.FrameworkID
		if row.Planned == "" || row.Elsewhere != "" || seen[id] {
			continue
		}
		seen[id] = true
		fw, err := q.Framework(ctx, id)
		if err != nil {
			return nil, err
		}
		if items := fw.Framework.ItemsToConfirm(); len(items) > 0 {
			out = append(out, FrameworkToConfirm{FrameworkID: fw.ID, QualificationCode: fw.Framework.Qualification.Code,
				QualificationTitle: fw.Framework.Qualification.Title, Version: fw.Version, Items: items})
		}
	}
	return out, nil
}

// IssueReport says what issuing a session did.
type IssueReport struct {
	Certificates int
	Attestations int
	Replaced     int // documents of the rectified session revoked because this one replaces them
	Mail         MailReport
	MailError    error // the documents are issued, but queuing their mails failed: send them again
}

// IssueSessionDocuments issues, in one transaction, a certificate to every certified
// candidate of a closed session and, to every candidate with a partial result, one block
// attestation per block acquired at that session (DOMAIN.md §5), with the block's
// competences. Each document takes the next number of its
// branch and year and a fresh verification code; the signatories are copied from the branch's
// settings. Issuing a session twice is refused. A rectification session revokes the documents
// of the session it corrects for the candidates it decides again. Then each holder is sent
// their document by mail.
func (s *Service) IssueSessionDocuments(ctx context.Context, a domain.Actor, sessionID string) (IssueReport, error) {
	if err := Check(a, ActCertificateIssue); err != nil {
		return IssueReport{}, err
	}
	var rep IssueReport
	err := s.store.Write(ctx, func(q store.Q) error {
		rep = IssueReport{}
		if _, err := q.LockJurySession(ctx, sessionID); err != nil {
			return err
		}
		d, err := s.sessionDocuments(ctx, q, sessionID)
		if err != nil {
			return err
		}
		if problems := d.Problems(); len(problems) > 0 {
			return domain.Errorf(domain.ECONFLICT, "%s", problems[0])
		}
		branchCode := ""
		branches, err := q.Branches(ctx)
		if err != nil {
			return err
		}
		for _, b := range branches {
			if b.ID == d.Session.BranchID {
				branchCode = strings.ToUpper(b.Code)
			}
		}
		frameworks := map[string]store.FrameworkRecord{}
		now := s.Now()
		for _, row := range d.Rows {
			if row.Planned == "" || row.Elsewhere != "" {
				continue
			}
			ic := row.Candidate
			fw, ok := frameworks[ic.FrameworkID]
			if !ok {
				if fw, err = q.Framework(ctx, ic.FrameworkID); err != nil {
					return err
				}
				frameworks[ic.FrameworkID] = fw
			}
			for _, c := range documentsOwed(row, fw.Framework) {
				c.ID, c.SessionID, c.BranchName, c.AwardedOn, c.Place, c.Signatories = newID(), sessionID, d.BranchName, d.AwardedOn, d.Place, d.Signatories
				c.IssuedAt, c.IssuedBy = now, a.UserID
				n, err := q.NextCertificateNumber(ctx, branchCode, d.AwardedOn.Time().Year())
				if err != nil {
					return err
				}
				c.Number = fmt.Sprintf("%s-%d-%06d", branchCode, d.AwardedOn.Time().Year(), n)
				insert := func(c store.Certificate) (bool, error) { return q.InsertCertificate(ctx, c) }
				if err := insertWithFreshCode(&c, randomVerificationCode, insert); err != nil {
					return err
				}
				blocks := make([]string, len(c.Blocks))
				for i, b := range c.Blocks {
					blocks[i] = b.Code
				}
				after := map[string]any{"number": c.Number, "kind": c.Kind.ShortLabel(), "blocks": blocks}
				if c.BlockCode != "" {
					after["block"] = c.BlockCode
				}
				if err := s.audit(ctx, q, a, change{Action: "certificate.issue", EntityType: "certificate", EntityID: c.ID,
					CandidateID: c.CandidateID, After: after}); err != nil {
					return err
				}
				if c.Kind == store.KindCertificate {
					rep.Certificates++
				} else {
					rep.Attestations++
				}
			}
			if d.Rectifies != nil {
				n, err := s.replaceRectified(ctx, q, a, d, ic.EnrolmentID)
				if err != nil {
					return err
				}
				rep.Replaced += n
			}
		}
		if d.Rectifies != nil {
			// A candidate decided again who gets no document now loses those of the corrected session too.
			for _, row := range d.Rows {
				if row.Planned == "" {
					n, err := s.replaceRectified(ctx, q, a, d, row.Candidate.EnrolmentID)
					if err != nil {
						return err
					}
					rep.Replaced += n
				}
			}
		}
		return nil
	})
	if err != nil {
		return IssueReport{}, err
	}
	rep.Mail, rep.MailError = s.mailSessionDocuments(ctx, sessionID)
	if rep.MailError != nil {
		s.log.Error("certificates issued but not mailed", "session_id", sessionID, "error", rep.MailError)
	}
	return rep, nil
}

// documentsOwed returns the documents a row's candidate is owed, without what the session
// and the issuing fill in (id, number, code, session, date, place, signatories): one
// certificate of every block, or one attestation per block acquired at the session, in the
// framework's order, each printing its block's competences.
func documentsOwed(row SessionDocumentRow, fw domain.Framework) []store.Certificate {
	ic := row.Candidate
	base := store.Certificate{Kind: row.Planned, EnrolmentID: ic.EnrolmentID, CandidateID: ic.CandidateID,
		HolderName: row.HolderName, HolderBirthDate: ic.BirthDate, HolderSex: ic.Sex, QualificationCode: ic.QualificationCode,
		QualificationTitle: ic.QualificationTitle, RNCP: fw.Qualification.RNCP, Level: fw.Qualification.Level}
	block := func(code string, competences bool) store.CertificateBlock {
		cb := store.CertificateBlock{Code: code, Title: code}
		if b, ok := fw.Block(code); ok {
			cb.Title = b.Title
			if competences {
				for _, c := range b.Competences {
					cb.Competences = append(cb.Competences, store.CertificateCompetence{Code: c.Code, Title: c.Title})
				}
			}
		}
		return cb
	}
	codes := blocksInFrameworkOrder(fw, planDocument(ic).Blocks)
	if row.Planned != store.KindAttestation {
		for _, code := range codes {
			base.Blocks = append(base.Blocks, block(code, false))
		}
		return []store.Certificate{base}
	}
	out := make([]store.Certificate, len(codes))
	for i, code := range codes {
		out[i] = base
		out[i].BlockCode, out[i].Blocks = code, []store.CertificateBlock{block(code, true)}
	}
	return out
}

// blocksInFrameworkOrder orders block codes as the framework lists its blocks (common,
// specialty, then optional ones), so that an attestation reads like the certificate; a code
// the framework does not hold comes last.
func blocksInFrameworkOrder(fw domain.Framework, codes []string) []string {
	out := inFrameworkOrder(fw, codes)
	for _, c := range codes {
		if !slices.Contains(out, c) {
			out = append(out, c)
		}
	}
	return out
}

// insertWithFreshCode stores c with insert under a code from draw, drawing another while
// insert reports the code taken.
func insertWithFreshCode(c *store.Certificate, draw func() (string, error), insert func(store.Certificate) (bool, error)) error {
	for range 8 {
		code, err := draw()
		if err != nil {
			return err
		}
		c.VerificationCode = code
		ok, err := insert(*c)
		if err != nil || ok {
			return err
		}
	}
	return fmt.Errorf("certificate %s: no free verification code after 8 draws", c.Number)
}

// replaceRectified revokes the valid documents an enrolment received from the session that d
// rectifies.
func (s *Service) replaceRectified(ctx context.Context, q store.Q, a domain.Actor, d SessionDocuments, enrolmentID string) (int, error) {
	old, err := q.Certificates(ctx, store.CertificateFilter{SessionID: d.Rectifies.ID, Status: store.CertificateValid})
	if err != nil {
		return 0, err
	}
	reason := "Remplacé à la suite de la session rectificative du jury du " + d.AwardedOn.String()
	if r := strings.TrimSpace(d.Session.RectificationReason); r != "" {
		reason += " : " + r
	}
	n := 0
	for _, c := range old.Items {
		if c.EnrolmentID != enrolmentID {
			continue
		}
		if err := q.RevokeCertificate(ctx, c.ID, s.Now(), a.UserID, reason); err != nil {
			return n, err
		}
		if err := s.audit(ctx, q, a, change{Action: "certificate.revoke", EntityType: "certificate", EntityID: c.ID,
			CandidateID: c.CandidateID, After: map[string]any{"number": c.Number}, Reason: reason}); err != nil {
			return n, err
		}
		n++
	}
	return n, nil
}

// MailReport says what sending a session's documents did.
type MailReport struct {
	Queued       int
	WithoutEmail []string // holders without an e-mail address: hand their document over otherwise
}

// MailSessionDocuments puts in the outbox, for every valid document of a session not mailed
// yet, a mail to its holder with the document attached. Each document is mailed once.
func (s *Service) MailSessionDocuments(ctx context.Context, a domain.Actor, sessionID string) (MailReport, error) {
	if err := Check(a, ActCertificateIssue); err != nil {
		return MailReport{}, err
	}
	if _, err := s.store.Read().JurySession(ctx, sessionID); err != nil {
		return MailReport{}, err
	}
	return s.mailSessionDocuments(ctx, sessionID)
}

func (s *Service) mailSessionDocuments(ctx context.Context, sessionID string) (MailReport, error) {
	var rep MailReport
	r := s.store.Read()
	p, err := r.Certificates(ctx, store.CertificateFilter{SessionID: sessionID, Status: store.CertificateValid})
	if err != nil {
		return rep, err
	}
	cands, err := r.IssuingCandidates(ctx, sessionID)
	if err != nil {
		return rep, err
	}
	email := map[string]string{}
	for _, c := range cands {
		email[c.EnrolmentID] = strings.TrimSpace(c.Email)
	}
	var todo []store.Certificate
	named := map[string]bool{} // enrolments listed without an address: a holder of several attestations is named once
	for _, c := range p.Items {
		switch {
		case c.MailedAt != nil:
		case email[c.EnrolmentID] == "":
			if !named[c.EnrolmentID] {
				named[c.EnrolmentID] = true
				rep.WithoutEmail = append(rep.WithoutEmail, c.HolderName)
			}
		default:
			todo = append(todo, c)
		}
	}
	if len(todo) == 0 {
		return rep, nil
	}
	// The PDFs are rendered before the transaction, so that it only writes.
	pdfs, fresh, err := s.documentPDFs(ctx, todo)
	if err != nil {
		return rep, err
	}
	err = s.store.Write(ctx, func(q store.Q) error {
		rep.Queued = 0
		if err := keepPDFs(ctx, q, todo, pdfs, fresh); err != nil {
			return err
		}
		for i, c := range todo {
			ok, err := q.MarkCertificateMailed(ctx, c.ID, s.Now())
			if err != nil {
				return err
			}
			if !ok {
				continue // mailed meanwhile by another request
			}
			subject, body := s.certificateMail(c)
			if err := s.queueMailWithAttachment(ctx, q, email[c.EnrolmentID], subject, body,
				Attachment{Name: CertificateFileName(c), Type: "application/pdf", Content: pdfs[i]}); err != nil {
				return err
			}
			rep.Queued++
		}
		return nil
	})
	return rep, err
}

// certificateMail is the subject and text of the mail that carries a document.
func (s *Service) certificateMail(c store.Certificate) (string, string) {
	subject := "Votre certificat de qualification professionnelle « " + c.QualificationTitle + " »"
	what := "le certificat de qualification professionnelle « " + c.QualificationTitle + " »"
	switch {
	case c.BlockAttestation():
		b := c.Blocks[0]
		subject = "Votre attestation du bloc de compétences " + b.Code + " du CQP « " + c.QualificationTitle + " »"
		what = "l'attestation du bloc de compétences " + b.Code + " « " + b.Title + " » du CQP « " + c.QualificationTitle + " »"
	case c.Kind == store.KindAttestation:
		subject = "Votre attestation de blocs de compétences du CQP « " + c.QualificationTitle + " »"
		codes := make([]string, len(c.Blocks))
		for i, b := range c.Blocks {
			codes[i] = b.Code + " " + b.Title
		}
		what = "une attestation des blocs de compétences suivants du CQP « " + c.QualificationTitle + " » : " + strings.Join(codes, " ; ")
	}
	var b strings.Builder
	fmt.Fprintf(&b, "Bonjour %s,\n\n", c.HolderName)
	fmt.Fprintf(&b, "Le jury de certification de la branche %s, réuni le %s, vous a délivré %s.\n\n", c.BranchName, c.AwardedOn, what)
	b.WriteString("Vous trouverez le document en pièce jointe (PDF).\n\n")
	fmt.Fprintf(&b, "Numéro : %s\nCode de vérification : %s\n\n", c.Number, GroupVerificationCode(c.VerificationCode))
	fmt.Fprintf(&b, "Toute personne, un employeur par exemple, peut vérifier son authenticité sans compte à l'adresse :\n%s\n\n",
		s.VerificationURL(c.VerificationCode))
	b.WriteString("Le secrétariat du jury")
	return subject, b.String()
}

// CertificateFileName is the file name of a document: certificat-COURTAGE-2026-000042.pdf,
// attestation-BC2-COURTAGE-2026-000043.pdf for the attestation of a block.
func CertificateFileName(c store.Certificate) string {
	if c.BlockAttestation() {
		return c.Kind.ShortLabel() + "-" + fileSafe(c.BlockCode) + "-" + c.Number + ".pdf"
	}
	return c.Kind.ShortLabel() + "-" + c.Number + ".pdf"
}

// ArchiveFileName is the name of a document inside a session's ZIP: its number, its holder's
// name and first name, and what it is, in ASCII letters, digits and dashes, so that the
// secretariat finds a person's document at a glance on any system:
// COURTAGE-2026-000042-Lefevre-Eloise-certificat.pdf,
// COURTAGE-2026-000043-Oeuvray-Amelie-attestation-BC2.pdf.
func ArchiveFileName(c store.Certificate) string {
	parts := []string{fileSafe(c.Number)}
	family, first := splitHolderName(c.HolderName)
	for _, w := range append(family, first...) {
		if w = asciiWord(w); w != "" {
			parts = append(parts, w)
		}
	}
	parts = append(parts, c.Kind.ShortLabel())
	if c.BlockAttestation() {
		parts = append(parts, fileSafe(c.BlockCode))
	}
	return strings.Join(parts, "-") + ".pdf"
}

// splitHolderName splits a printed holder's name, « Inès Marie DUPONT », into the family name
// (the words in capitals at its end) and the first first name.
func splitHolderName(name string) (family, first []string) {
	words := strings.Fields(name)
	i := len(words)
	for i > 0 && words[i-1] == strings.ToUpper(words[i-1]) && words[i-1] != strings.ToLower(words[i-1]) {
		i--
	}
	if i == len(words) || i == 0 {
		return words, nil // no capitals to tell them apart: the name as it is
	}
	return words[i:], words[:1]
}

// asciiWord writes one word of a name in ASCII, capitalised: « ŒUVRAY » → « Oeuvray »,
// « N'DIAYE » → « Ndiaye », « Jean-Noël » → « Jean-Noel ».
func asciiWord(w string) string {
	var b strings.Builder
	start := true
	for _, r := range norm.NFD.String(w) {
		var s string
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9':
			s = string(r)
		case r == 'œ' || r == 'Œ':
			s = "oe"
		case r == 'æ' || r == 'Æ':
			s = "ae"
		case r == 'ß':
			s = "ss"
		case r == 'ø' || r == 'Ø':
			s = "o"
		case r == 'đ' || r == 'Đ':
			s = "d"
		case r == 'ł' || r == 'Ł':
			s = "l"
		case r == '-':
			if b.Len() > 0 && !start {
				b.WriteByte('-')
				start = true
			}
			continue
		default:
			continue // accents, apostrophes and anything else
		}
		for _, c := range s {
			if start {
				b.WriteString(strings.ToUpper(string(c)))
			} else {
				b.WriteString(strings.ToLower(string(c)))
			}
			start = false
		}
	}
	return strings.TrimSuffix(b.String(), "-")
}

// fileSafe keeps the letters, digits and dashes of a block code for a file name.
func fileSafe(code string) string {
	return strings.Map(func(r rune) rune {
		if r >= 'A' && r <= 'Z' || r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '-' {
			return r
		}
		return '_'
	}, code)
}

// documentOf is what the PDF of a stored document prints. Its creation date is the issuing
// time, so that the same record always gives the same bytes.
func (s *Service) documentOf(c store.Certificate) docs.CertificateDoc {
	kind := string(c.Kind)
	if c.BlockAttestation() {
		kind = docs.KindBlockAttestation
	}
	d := docs.CertificateDoc{Kind: kind, Number: c.Number, VerificationCode: c.VerificationCode,
		VerificationURL: s.VerificationURL(c.VerificationCode), HolderName: c.HolderName, HolderBirthDate: c.HolderBirthDate,
		HolderSex: c.HolderSex, BranchName: c.BranchName, QualificationCode: c.QualificationCode, QualificationTitle: c.QualificationTitle,
		RNCP: c.RNCP, Level: c.Level,
		AwardedOn: c.AwardedOn, Place: c.Place, CreatedAt: c.IssuedAt}
	for _, b := range c.Blocks {
		d.Blocks = append(d.Blocks, docs.DocBlock{Code: b.Code, Title: b.Title})
		if c.BlockAttestation() {
			for _, cp := range b.Competences {
				d.Competences = append(d.Competences, docs.DocCompetence{Code: cp.Code, Title: cp.Title})
			}
		}
	}
	for _, sg := range c.Signatories {
		d.Signatories = append(d.Signatories, docs.Signatory{Role: sg.Role, Name: sg.Name})
	}
	return d
}

// renderAll renders documents on every processor, keeping their order.
func (s *Service) renderAll(certs []store.Certificate) ([][]byte, error) {
	ds := make([]docs.CertificateDoc, len(certs))
	for i, c := range certs {
		ds[i] = s.documentOf(c)
	}
	return docs.CertificatePDFs(ds)
}

// documentPDFs returns the PDF of each document: the bytes kept from its first rendering, or,
// for a document never rendered, rendered now on every processor. fresh lists the positions of
// those rendered now, for keepPDFs. A document's PDF is the same bytes every time, so a kept
// one is what rendering it again would give.
func (s *Service) documentPDFs(ctx context.Context, certs []store.Certificate) (pdfs [][]byte, fresh []int, err error) {
	ids := make([]string, len(certs))
	for i, c := range certs {
		ids[i] = c.ID
	}
	kept, err := s.store.Read().CertificatePDFs(ctx, ids)
	if err != nil {
		return nil, nil, err
	}
	pdfs = make([][]byte, len(certs))
	var missing []store.Certificate
	for i, c := range certs {
		if b, ok := kept[c.ID]; ok {
			pdfs[i] = b
			continue
		}
		missing = append(missing, c)
		fresh = append(fresh, i)
	}
	if len(missing) == 0 {
		return pdfs, nil, nil
	}
	rendered, err := s.renderAll(missing)
	if err != nil {
		return nil, nil, err
	}
	for j, i := range fresh {
		pdfs[i] = rendered[j]
	}
	return pdfs, fresh, nil
}

// keepPDFs stores the PDFs documentPDFs rendered now.
func keepPDFs(ctx context.Context, q store.Q, certs []store.Certificate, pdfs [][]byte, fresh []int) error {
	for _, i := range fresh {
		if err := q.KeepCertificatePDF(ctx, certs[i].ID, pdfs[i]); err != nil {
			return err
		}
	}
	return nil
}

// keepRendered stores, outside any other change, the PDFs a download rendered: the download
// is served even when they cannot be kept.
func (s *Service) keepRendered(ctx context.Context, certs []store.Certificate, pdfs [][]byte, fresh []int) {
	if len(fresh) == 0 {
		return
	}
	err := s.store.Write(ctx, func(q store.Q) error { return keepPDFs(ctx, q, certs, pdfs, fresh) })
	if err != nil {
		s.log.Warn("rendered documents not kept", "documents", len(fresh), "error", err)
	}
}

// CertificateFile is a file to download.
type CertificateFile struct {
	Name    string
	Type    string
	Content []byte
}

// certificateScope narrows a documents filter to what the actor may read: everything, or a
// candidate's own documents.
func certificateScope(a domain.Actor, f store.CertificateFilter) (store.CertificateFilter, error) {
	switch AccessFor(a, ActCertificateRead) {
	case AccessAll:
		return f, nil
	case AccessNone:
		return f, Check(a, ActCertificateRead)
	}
	f.Restricted, f.CandidateIDs = true, a.Scopes(domain.RoleCandidate)
	return f, nil
}

// Certificates lists the documents the actor may read.
func (s *Service) Certificates(ctx context.Context, a domain.Actor, f store.CertificateFilter) (store.CertificatePage, error) {
	f, err := certificateScope(a, f)
	if err != nil {
		return store.CertificatePage{}, err
	}
	return s.store.Read().Certificates(ctx, f)
}

// Certificate returns one document; outside the actor's scope it is "not found".
func (s *Service) Certificate(ctx context.Context, a domain.Actor, id string) (store.Certificate, error) {
	f, err := certificateScope(a, store.CertificateFilter{})
	if err != nil {
		return store.Certificate{}, err
	}
	c, err := s.store.Read().Certificate(ctx, id)
	if err != nil {
		return c, err
	}
	if f.Restricted && !slices.Contains(f.CandidateIDs, c.CandidateID) {
		return store.Certificate{}, domain.Errorf(domain.ENOTFOUND, "Certificat ou attestation introuvable.")
	}
	return c, nil
}

// CertificatePDF returns a document's PDF, rendered from its record (the same bytes every
// time) the first time, then kept.
func (s *Service) CertificatePDF(ctx context.Context, a domain.Actor, id string) (CertificateFile, error) {
	c, err := s.Certificate(ctx, a, id)
	if err != nil {
		return CertificateFile{}, err
	}
	certs := []store.Certificate{c}
	pdfs, fresh, err := s.documentPDFs(ctx, certs)
	if err != nil {
		return CertificateFile{}, err
	}
	s.keepRendered(ctx, certs, pdfs, fresh)
	return CertificateFile{Name: CertificateFileName(c), Type: "application/pdf", Content: pdfs[0]}, nil
}

// SessionDocumentsZIP returns the valid documents of a session in one ZIP file, by number,
// each named with its holder's name (ArchiveFileName).
// Each entry carries its document's issuing time, so that the archive is the same every time.
func (s *Service) SessionDocumentsZIP(ctx context.Context, a domain.Actor, sessionID string) (CertificateFile, error) {
	if err := Check(a, ActCertificateIssue); err != nil {
		return CertificateFile{}, err
	}
	r := s.store.Read()
	sess, err := r.JurySession(ctx, sessionID)
	if err != nil {
		return CertificateFile{}, err
	}
	p, err := r.Certificates(ctx, store.CertificateFilter{SessionID: sessionID, Status: store.CertificateValid})
	if err != nil {
		return CertificateFile{}, err
	}
	if len(p.Items) == 0 {
		return CertificateFile{}, domain.Errorf(domain.ENOTFOUND, "Cette session n'a aucun document valide à télécharger : délivrez d'abord ses documents.")
	}
	pdfs, fresh, err := s.documentPDFs(ctx, p.Items)
	if err != nil {
		return CertificateFile{}, err
	}
	s.keepRendered(ctx, p.Items, pdfs, fresh)
	files := make([]zipFile, len(p.Items))
	for i, c := range p.Items {
		files[i] = zipFile{name: ArchiveFileName(c), modified: c.IssuedAt.UTC(), content: pdfs[i]}
	}
	content, err := zipFiles(files)
	if err != nil {
		return CertificateFile{}, err
	}
	name := "documents-jury-" + domain.DateOf(sess.StartsAt).ISO() + ".zip"
	return CertificateFile{Name: name, Type: "application/zip", Content: content}, nil
}

// zipFile is one file of a ZIP archive.
type zipFile struct {
	name     string
	modified time.Time
	content  []byte
}

// zipFiles deflates files, in order, into one ZIP archive.
func zipFiles(files []zipFile) ([]byte, error) {
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, f := range files {
		w, err := zw.CreateHeader(&zip.FileHeader{Name: f.name, Method: zip.Deflate, Modified: f.modified})
		if err != nil {
			return nil, err
		}
		if _, err := w.Write(f.content); err != nil {
			return nil, err
		}
	}
	if err := zw.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// maxRevocationReason bounds the reason of a revocation, in characters.
const maxRevocationReason = 500

// RevokeCertificate revokes a document (fraud, error) with a reason, shown to anyone who
// verifies it.
func (s *Service) RevokeCertificate(ctx context.Context, a domain.Actor, id, reason string) (store.Certificate, error) {
	if err := Check(a, ActCertificateRevoke); err != nil {
		return store.Certificate{}, err
	}
	reason = strings.TrimSpace(reason)
	fe := domain.FieldErrors{}
	switch {
	case reason == "":
		fe.Add("reason", "Indiquez la raison de la révocation (fraude, erreur…) : elle reste au dossier et au journal ; la vérification publique dit seulement que le document est révoqué, et depuis quand.")
	case utf8.RuneCountInString(reason) > maxRevocationReason:
		fe.Add("reason", fmt.Sprintf("La raison ne peut dépasser %d caractères.", maxRevocationReason))
	}
	if err := fe.Err(); err != nil {
		return store.Certificate{}, err
	}
	var c store.Certificate
	err := s.store.Write(ctx, func(q store.Q) error {
		var err error
		if c, err = q.Certificate(ctx, id); err != nil {
			return err
		}
		if err := q.RevokeCertificate(ctx, id, s.Now(), a.UserID, reason); err != nil {
			return err
		}
		if err := s.audit(ctx, q, a, change{Action: "certificate.revoke", EntityType: "certificate", EntityID: id,
			CandidateID: c.CandidateID, After: map[string]any{"number": c.Number}, Reason: reason}); err != nil {
			return err
		}
		c, err = q.Certificate(ctx, id)
		return err
	})
	return c, err
}

// IssuingSession is a closed session with the count of its documents.
type IssuingSession struct {
	Session store.JurySession
	Counts  store.CertificateCounts
}

// IssuingSessions lists the closed sessions, newest first, for the secretariat.
func (s *Service) IssuingSessions(ctx context.Context, a domain.Actor) ([]IssuingSession, error) {
	if err := Check(a, ActCertificateIssue); err != nil {
		return nil, err
	}
	r := s.store.Read()
	sessions, err := r.JurySessions(ctx)
	if err != nil {
		return nil, err
	}
	counts, err := r.CertificateCountsBySession(ctx)
	if err != nil {
		return nil, err
	}
	var out []IssuingSession
	for _, sess := range sessions {
		if sess.Status == store.JuryClosed {
			out = append(out, IssuingSession{Session: sess, Counts: counts[sess.ID]})
		}
	}
	return out, nil
}

// CertificateSettings are the branch's settings as the settings page shows them: the jury's
// quorum, the signatories' names and where the documents are signed.
type CertificateSettings struct {
	store.BranchSettings
	BranchName         string
	SignaturePlace     string
	MissingSignatories []string
}

// CertificateSettings returns the branch's settings (their defaults when never saved).
func (s *Service) CertificateSettings(ctx context.Context, a domain.Actor) (CertificateSettings, error) {
	if err := Check(a, ActBranchSettings); err != nil {
		return CertificateSettings{}, err
	}
	r := s.store.Read()
	b, err := branchID(ctx, r)
	if err != nil {
		return CertificateSettings{}, err
	}
	bs, err := r.BranchSettings(ctx, b.ID)
	if err != nil {
		return CertificateSettings{}, err
	}
	place, err := r.SignaturePlace(ctx, b.ID)
	if err != nil {
		return CertificateSettings{}, err
	}
	_, missing := signatoriesOf(bs, nil)
	return CertificateSettings{BranchSettings: bs, BranchName: b.Name, SignaturePlace: place, MissingSignatories: missing}, nil
}

// maxSignaturePlace bounds the place of signature, in characters.
const maxSignaturePlace = 120

// SaveSignaturePlace records the city where the branch's documents are signed (« Fait à
// … ») when the session's place names none (a jury by video, a room without its city). The settings are created with their defaults if they do not exist.
func (s *Service) SaveSignaturePlace(ctx context.Context, a domain.Actor, place string) error {
	if err := Check(a, ActBranchSettings); err != nil {
		return err
	}
	place = strings.Join(strings.Fields(place), " ")
	if utf8.RuneCountInString(place) > maxSignaturePlace {
		return domain.FieldErrors{"signature_place": fmt.Sprintf("Le lieu de signature ne peut dépasser %d caractères.", maxSignaturePlace)}.Err()
	}
	return s.store.Write(ctx, func(q store.Q) error {
		b, err := branchID(ctx, q)
		if err != nil {
			return err
		}
		before, err := q.SignaturePlace(ctx, b.ID)
		if err != nil || before == place {
			return err
		}
		if err := q.SetSignaturePlace(ctx, b.ID, place, s.Now()); err != nil {
			return err
		}
		return s.audit(ctx, q, a, change{Action: "branch.signature_place", EntityType: "branch", EntityID: b.ID,
			Before: map[string]any{"signature_place": before}, After: map[string]any{"signature_place": place}})
	})
}
