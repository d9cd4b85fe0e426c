package service

import (
	"bytes"
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"
	"golang.org/x/text/encoding/charmap"

	"cqp/internal/domain"
	"cqp/internal/store"
)

// The limits of a candidate import: a file is a list for one action, so a few hundred rows.
const (
	MaxImportSize = 2 << 20 // bytes of the uploaded file
	MaxImportRows = 1000    // candidates in one file
)

// ImportColumn is one column of the candidate import file. Headers are matched without case,
// accents, spaces or underscores, so « Nom de naissance » and « nom_naissance » are the same.
type ImportColumn struct {
	Key         string // the documented header, as the template writes it
	Description string // French: what to write in it
	Required    bool
	Example     string
	field       string   // the form field of the same data, for the service's field errors
	aliases     []string // other headers people write
}

// ImportColumns documents the import file, in the template's order.
var ImportColumns = []ImportColumn{
	{Key: "nom_naissance", Description: "Nom de naissance, tel qu'à l'état civil.", Required: true, Example: "Lefèvre", field: "birth_name",
		aliases: []string{"nom de naissance", "nom"}},
	{Key: "nom_usage", Description: "Nom d'usage, seulement s'il diffère du nom de naissance.", Example: "", field: "used_name",
		aliases: []string{"nom d usage", "nom marital"}},
	{Key: "prenoms", Description: "Tous les prénoms, dans l'ordre de l'état civil.", Required: true, Example: "Éloïse Marie", field: "first_names",
		aliases: []string{"prenom"}},
	{Key: "date_naissance", Description: "Date de naissance au format JJ/MM/AAAA.", Required: true, Example: "14/03/1995", field: "birth_date",
		aliases: []string{"date de naissance", "ne le", "nee le"}},
	{Key: "sexe", Description: "Sexe à l'état civil : F, M, ou X (autre ; la certification ne pourra pas être déclarée au registre national, qui n'accepte que F ou M).", Required: true, Example: "F", field: "sex"},
	{Key: "code_insee_naissance", Description: "Code INSEE de la commune de naissance (5 caractères, 2A/2B pour la Corse) ; vide si la personne est née à l'étranger.",
		Example: "75056", field: "birth_insee", aliases: []string{"code insee", "insee", "code insee de naissance", "code insee commune de naissance"}},
	{Key: "commune_naissance", Description: "Commune de naissance.", Example: "Paris", field: "birth_city",
		aliases: []string{"commune de naissance", "ville de naissance", "lieu de naissance"}},
	{Key: "pays_naissance", Description: "Pays de naissance, si la personne est née à l'étranger.", Example: "", field: "birth_country",
		aliases: []string{"pays de naissance"}},
	{Key: "nir", Description: "Numéro de sécurité sociale (NIR) : 15 caractères, clé comprise, tels qu'ils figurent sur la carte Vitale ; il sert à déclarer la certification à la Caisse des Dépôts.",
		Example: "", field: "nir", aliases: []string{"numero de securite sociale", "securite sociale", "numero ss", "nss", "n ss"}},
	{Key: "email", Description: "Adresse e-mail du candidat.", Example: "eloise.lefevre@example.fr", field: "email",
		aliases: []string{"e mail", "courriel", "mail", "adresse e mail"}},
	{Key: "public", Description: "« jeune diplômé », « demandeur d'emploi » ou « salarié ».", Required: true, Example: "demandeur d'emploi", field: "public"},
	{Key: "blocs_optionnels", Description: "Codes des blocs optionnels choisis, séparés par des espaces ; les blocs communs et de spécialité sont inscrits d'office. Action par blocs : tous les blocs choisis, communs et de spécialité compris.",
		Required: true, Example: "OPT1 OPT2", field: "blocks", aliases: []string{"blocs", "blocs choisis", "blocs optionnels choisis"}},
	{Key: "siret_entreprise", Description: "SIRET de l'entreprise (employeur ou lieu de stage) si elle est connue ; elle doit être enregistrée dans cqp.",
		Example: "40483304800022", field: "company", aliases: []string{"siret", "entreprise siret", "siret de l entreprise"}},
	{Key: "email_referent", Description: "E-mail du référent entreprise qui suivra le candidat : un compte de référent de cette entreprise.",
		Example: "", field: "referent", aliases: []string{"referent", "e mail referent", "courriel referent"}},
	{Key: "date_entretien", Description: "Date de l'entretien préalable au format JJ/MM/AAAA.", Required: true, Example: "02/11/2026", field: "interview_on",
		aliases: []string{"date de l entretien", "date d entretien", "entretien"}},
	{Key: "projet", Description: "Projet professionnel exprimé à l'entretien.", Required: true, Example: "Devenir chargée de clientèle en cabinet de courtage.", field: "project",
		aliases: []string{"projet professionnel"}},
	{Key: "motivation", Description: "Motivation exprimée à l'entretien.", Required: true, Example: "Reconversion après un poste d'accueil en agence.", field: "motivation",
		aliases: []string{"motivations"}},
	{Key: "niveau_diplome", Description: "Niveau du diplôme le plus élevé : « aucun », ou de 3 (CAP, BEP) à 8 (doctorat) ; 4 pour le bac, 5 pour bac+2.",
		Required: true, Example: "5", field: "diploma_level", aliases: []string{"niveau de diplome", "diplome", "niveau"}},
	{Key: "experience_mois", Description: "Mois d'expérience professionnelle, tous domaines confondus, stages compris.", Required: true, Example: "6",
		field: "experience_months", aliases: []string{"experience", "experience en mois", "mois d experience"}},
	{Key: "experience_liee_mois", Description: "Dont mois d'expérience en lien avec la qualification ; vide vaut 0.", Example: "0",
		field: "related_experience_months", aliases: []string{"experience liee", "experience en lien", "experience en lien mois"}},
	{Key: "motif_derogation", Description: "Réservé au secrétariat : raison d'inscrire un candidat que les conditions d'éligibilité refusent.",
		Example: "", field: "derogation", aliases: []string{"derogation", "motif de derogation"}},
}

// normalizeHeader folds a header for matching: no case, accents, spaces, underscores or dashes.
func normalizeHeader(h string) string {
	h = strings.NewReplacer("_", " ", "(", " ", ")", " ", ".", " ").Replace(h)
	return strings.ReplaceAll(domain.Fold(h), " ", "")
}

var importColumnByHeader = func() map[string]int {
	m := map[string]int{}
	for i, c := range ImportColumns {
		m[normalizeHeader(c.Key)] = i
		for _, a := range c.aliases {
			m[normalizeHeader(a)] = i
		}
	}
	return m
}()

// ImportRow is one data row of an import file: its line (CSV) or row number (XLSX), and its
// values by column key.
type ImportRow struct {
	Line   int
	Values map[string]string
}

// ImportProblem is one reason a file is refused: its line (0 for the file as a whole), the
// column concerned ("" when none) and a French message.
type ImportProblem struct {
	Line    int
	Column  string
	Message string
}

// ImportError refuses a whole file: nothing is imported until every problem is corrected.
type ImportError struct {
	Problems []ImportProblem // by line, then in column order
	Rows     int             // data rows read
}

func (e *ImportError) Error() string {
	return fmt.Sprintf("import refused: %d problems in %d rows", len(e.Problems), e.Rows)
}

// Unwrap makes the refusal an EINVALID domain error with a French summary.
func (e *ImportError) Unwrap() error {
	lines := map[int]bool{}
	for _, p := range e.Problems {
		lines[p.Line] = true
	}
	msg := "Le fichier n'a pas été importé : "
	switch n := len(e.Problems); {
	case n == 1:
		msg += "il contient 1 erreur"
	default:
		msg += "il contient " + strconv.Itoa(n) + " erreurs"
	}
	if len(lines) > 1 {
		msg += ", sur " + strconv.Itoa(len(lines)) + " lignes"
	}
	msg += ". Aucun candidat n'a été inscrit ; corrigez le fichier puis envoyez-le de nouveau."
	return &domain.Error{Code: domain.EINVALID, Message: msg}
}

// ParseImportFile reads a candidate list: XLSX (first sheet, or the sheet named « Candidats »)
// or CSV in UTF-8 (Windows-1252 is read too, as Excel writes it) separated by semicolons or
// commas, with a header row naming the columns of ImportColumns. It checks the structure only
// (columns, size, readability); the values are checked by ImportCandidates. Problems come back
// as an *ImportError.
func ParseImportFile(name string, data []byte) ([]ImportRow, error) {
	if len(data) > MaxImportSize {
		return nil, &ImportError{Problems: []ImportProblem{{Message: fmt.Sprintf("Le fichier dépasse la taille maximale de %d Mo.", MaxImportSize>>20)}}}
	}
	lower := strings.ToLower(name)
	switch {
	case bytes.HasPrefix(data, []byte{0xD0, 0xCF, 0x11, 0xE0}) || strings.HasSuffix(lower, ".xls"):
		return nil, &ImportError{Problems: []ImportProblem{{Message: "Le format Excel 97-2003 (.xls) n'est pas lu : enregistrez le fichier au format .xlsx ou .csv (UTF-8)."}}}
	case bytes.HasPrefix(data, []byte("PK\x03\x04")) || strings.HasSuffix(lower, ".xlsx"):
		records, err := xlsxRecords(data)
		if err != nil {
			return nil, err
		}
		return importRows(records, true)
	}
	records, err := csvRecords(data)
	if err != nil {
		return nil, err
	}
	return importRows(records, false)
}

// record is one row of a file with its line number.
type record struct {
	line   int
	fields []string
}

func csvRecords(data []byte) ([]record, error) {
	data = bytes.TrimPrefix(data, []byte("\xEF\xBB\xBF"))
	if !utf8.Valid(data) {
		decoded, err := charmap.Windows1252.NewDecoder().Bytes(data)
		if err != nil {
			return nil, &ImportError{Problems: []ImportProblem{{Message: "Le fichier n'est pas un texte lisible : enregistrez-le au format « CSV UTF-8 »."}}}
		}
		data = decoded
	}
	if bytes.IndexByte(data, 0) >= 0 {
		return nil, &ImportError{Problems: []ImportProblem{{Message: "Le fichier n'est ni un CSV ni un classeur .xlsx : enregistrez la liste au format CSV (UTF-8) ou .xlsx."}}}
	}
	first, _, _ := bytes.Cut(data, []byte("\n"))
	sep := ';'
	if bytes.Count(first, []byte(",")) > bytes.Count(first, []byte(";")) {
		sep = ','
	}
	r := csv.NewReader(bytes.NewReader(data))
	r.Comma, r.FieldsPerRecord, r.LazyQuotes = sep, -1, true
	var out []record
	for {
		fields, err := r.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			line := 0
			var pe *csv.ParseError
			if errors.As(err, &pe) {
				line = pe.StartLine
			}
			return nil, &ImportError{Problems: []ImportProblem{{Line: line,
				Message: "Cette ligne ne peut pas être lue (guillemets mal fermés ?) : vérifiez-la, ou enregistrez de nouveau le fichier depuis votre tableur."}}}
		}
		line, _ := r.FieldPos(0)
		out = append(out, record{line: line, fields: fields})
		if len(out) > MaxImportRows+1 {
			break
		}
	}
	return out, nil
}

func xlsxRecords(data []byte) ([]record, error) {
	unreadable := &ImportError{Problems: []ImportProblem{{Message: "Le classeur .xlsx ne peut pas être lu : enregistrez-le de nouveau depuis votre tableur, ou envoyez la liste au format CSV (UTF-8)."}}}
	f, err := excelize.OpenReader(bytes.NewReader(data), excelize.Options{UnzipSizeLimit: 64 << 20, UnzipXMLSizeLimit: 16 << 20})
	if err != nil {
		return nil, unreadable
	}
	defer f.Close()
	sheets := f.GetSheetList()
	if len(sheets) == 0 {
		return nil, unreadable
	}
	sheet := sheets[0]
	for _, s := range sheets {
		if normalizeHeader(s) == "candidats" {
			sheet = s
		}
	}
	rows, err := f.GetRows(sheet, excelize.Options{RawCellValue: true})
	if err != nil {
		return nil, unreadable
	}
	out := make([]record, 0, len(rows))
	for i, row := range rows {
		out = append(out, record{line: i + 1, fields: row})
		if len(out) > MaxImportRows+1 {
			break
		}
	}
	return out, nil
}

// importRows maps records to columns by the header row (the first non-empty row).
func importRows(records []record, xlsx bool) ([]ImportRow, error) {
	var problems []ImportProblem
	start := 0
	for start < len(records) && blank(records[start].fields) {
		start++
	}
	if start == len(records) {
		return nil, &ImportError{Problems: []ImportProblem{{Message: "Le fichier est vide : il doit commencer par une ligne d'en-tête nommant les colonnes, puis un candidat par ligne."}}}
	}
	header := records[start]
	cols := make([]int, len(header.fields)) // index in ImportColumns, -1 for an empty header
	seen := map[int]int{}
	for i, h := range header.fields {
		cols[i] = -1
		if strings.TrimSpace(h) == "" {
			continue
		}
		c, ok := importColumnByHeader[normalizeHeader(h)]
		if !ok {
			problems = append(problems, ImportProblem{Line: header.line, Column: strings.TrimSpace(h),
				Message: "Colonne « " + strings.TrimSpace(h) + " » inconnue. Les colonnes reconnues sont : " + columnKeys() + "."})
			continue
		}
		if prev, dup := seen[c]; dup {
			problems = append(problems, ImportProblem{Line: header.line, Column: ImportColumns[c].Key,
				Message: fmt.Sprintf("La colonne « %s » apparaît deux fois (colonnes %d et %d).", ImportColumns[c].Key, prev+1, i+1)})
			continue
		}
		seen[c], cols[i] = i, c
	}
	var missing []string
	for i, c := range ImportColumns {
		if _, ok := seen[i]; !ok && c.Required {
			missing = append(missing, c.Key)
		}
	}
	if len(missing) > 0 {
		msg := "Colonne obligatoire absente : " + missing[0] + "."
		if len(missing) > 1 {
			msg = "Colonnes obligatoires absentes : " + strings.Join(missing, ", ") + "."
		}
		problems = append(problems, ImportProblem{Line: header.line, Message: msg +
			" La première ligne du fichier doit nommer les colonnes, comme le modèle à télécharger."})
	}
	if len(problems) > 0 {
		return nil, &ImportError{Problems: problems}
	}
	var rows []ImportRow
	for _, rec := range records[start+1:] {
		if blank(rec.fields) {
			continue
		}
		if len(rows) == MaxImportRows {
			return nil, &ImportError{Rows: len(rows), Problems: []ImportProblem{{Line: rec.line,
				Message: fmt.Sprintf("Le fichier compte plus de %d candidats : découpez-le en plusieurs fichiers.", MaxImportRows)}}}
		}
		row := ImportRow{Line: rec.line, Values: map[string]string{}}
		for i, v := range rec.fields {
			v = strings.TrimSpace(v)
			if v == "" {
				continue
			}
			if i >= len(cols) || cols[i] < 0 {
				problems = append(problems, ImportProblem{Line: rec.line,
					Message: fmt.Sprintf("La valeur « %s » (colonne %d) n'est sous aucune colonne de l'en-tête.", clip(v), i+1)})
				continue
			}
			key := ImportColumns[cols[i]].Key
			if xlsx {
				v = spreadsheetValue(key, v)
			}
			row.Values[key] = v
		}
		rows = append(rows, row)
	}
	if len(problems) > 0 {
		return nil, &ImportError{Problems: problems, Rows: len(rows)}
	}
	if len(rows) == 0 {
		return nil, &ImportError{Problems: []ImportProblem{{Line: header.line, Message: "Le fichier n'a que sa ligne d'en-tête : ajoutez un candidat par ligne."}}}
	}
	return rows, nil
}

func blank(fields []string) bool {
	for _, f := range fields {
		if strings.TrimSpace(f) != "" {
			return false
		}
	}
	return true
}

func columnKeys() string {
	keys := make([]string, len(ImportColumns))
	for i, c := range ImportColumns {
		keys[i] = c.Key
	}
	return strings.Join(keys, ", ")
}

// clip shortens a value quoted in a message.
func clip(s string) string {
	if r := []rune(s); len(r) > 40 {
		return string(r[:40]) + "…"
	}
	return s
}

// spreadsheetValue turns the raw value of a spreadsheet cell into what a person typed: a date
// cell holds a serial number, and a number cell holds a SIRET or INSEE code without its form.
func spreadsheetValue(key, v string) string {
	f, err := strconv.ParseFloat(v, 64)
	if err != nil {
		return v
	}
	switch key {
	case "date_naissance", "date_entretien":
		if f > 0 && f < 2958466 && !strings.ContainsAny(v, "/-") {
			if t, err := excelize.ExcelDateToTime(f, false); err == nil {
				return t.Format("02/01/2006")
			}
		}
	case "siret_entreprise", "code_insee_naissance", "nir", "experience_mois", "experience_liee_mois", "niveau_diplome":
		if f >= 0 && f < 1e15 && f == float64(int64(f)) {
			return strconv.FormatInt(int64(f), 10)
		}
	}
	return v
}

// ImportResult is what a successful import did.
type ImportResult struct {
	Action   store.Action
	Enrolled []Enrolled
}

// ImportCandidates enrols in an action every candidate of an uploaded file (see
// ParseImportFile). Every row is checked as the enrolment form checks it — identity, dates,
// INSEE code, public, blocks, company and referent, interview, eligibility — and a candidate
// found twice in the file or already in the action is refused. When any row is wrong, nothing
// is imported and the *ImportError lists every problem with its line; otherwise all rows are
// recorded in one transaction.
func (s *Service) ImportCandidates(ctx context.Context, a domain.Actor, actionID, fileName string, data []byte) (ImportResult, error) {
	if err := Check(a, ActEnrolmentManage); err != nil {
		return ImportResult{}, err
	}
	sc, err := actionScope(a, ActEnrolmentManage)
	if err != nil {
		return ImportResult{}, err
	}
	if _, err := s.store.Read().Action(ctx, actionID, sc); err != nil {
		return ImportResult{}, err
	}
	rows, err := ParseImportFile(fileName, data)
	if err != nil {
		return ImportResult{}, err
	}
	var res ImportResult
	err = s.store.Write(ctx, func(q store.Q) error {
		act, err := q.Action(ctx, actionID, sc)
		if err != nil {
			return err
		}
		if act.Status == store.ActionRefused {
			return domain.Errorf(domain.ECONFLICT, "L'action « %s » a été refusée par le secrétariat : elle ne prend plus de candidat.", act.Title)
		}
		res.Action = act
		companies, err := q.ListCompanies(ctx, nil)
		if err != nil {
			return err
		}
		bySIRET := map[string]string{}
		for _, c := range companies {
			bySIRET[c.SIRET] = c.ID
		}
		inAction, err := s.identitiesInAction(ctx, q, act.ID)
		if err != nil {
			return err
		}
		reason := "Import du fichier « " + fileName + " » dans l'action « " + act.Title + " »"
		var problems []ImportProblem
		firstLine := map[string]int{}
		for _, row := range rows {
			in, rowProblems, err := s.importInput(ctx, q, row, bySIRET)
			if err != nil {
				return err
			}
			in.Enrolment.ActionID = act.ID
			if key := identityKey(in.Candidate); in.Candidate.BirthName != "" && !in.Candidate.BirthDate.IsZero() {
				if first, dup := firstLine[key]; dup {
					rowProblems = append(rowProblems, ImportProblem{Line: row.Line, Column: "nom_naissance",
						Message: fmt.Sprintf("Ce candidat figure déjà ligne %d du fichier (même nom de naissance, mêmes prénoms, même date de naissance).", first)})
					problems = append(problems, rowProblems...)
					continue
				}
				firstLine[key] = row.Line
			}
			out, err := s.createCandidate(ctx, q, a, in, createOptions{reason: reason, inAction: inAction})
			if err != nil {
				var de *domain.Error
				if !errors.As(err, &de) || de.Code != domain.EINVALID {
					return err
				}
				rowProblems = append(rowProblems, rowProblemsOf(row.Line, de, rowProblems)...)
			}
			if len(rowProblems) > 0 {
				problems = append(problems, rowProblems...)
				continue
			}
			res.Enrolled = append(res.Enrolled, out)
		}
		if len(problems) > 0 {
			sortProblems(problems)
			return &ImportError{Problems: problems, Rows: len(rows)}
		}
		return s.audit(ctx, q, a, change{Action: "action.import", EntityType: "action", EntityID: act.ID,
			After: map[string]any{"file": fileName, "rows": len(res.Enrolled)}, Reason: reason})
	})
	if err != nil {
		return ImportResult{}, err
	}
	return res, nil
}

// importInput converts one row to the enrolment form's input, with the problems of values
// that cannot be read (dates, numbers, public, SIRET, referent).
func (s *Service) importInput(ctx context.Context, q store.Q, row ImportRow, bySIRET map[string]string) (CandidateInput, []ImportProblem, error) {
	v := row.Values
	var problems []ImportProblem
	bad := func(col, msg string) {
		problems = append(problems, ImportProblem{Line: row.Line, Column: col, Message: msg})
	}
	date := func(col string) domain.Date {
		raw := v[col]
		if raw == "" {
			return domain.Date{}
		}
		d, err := domain.ParseFrenchDate(raw)
		if impossible := domain.ImpossibleDate(raw); err != nil && impossible != "" {
			bad(col, impossible)
		} else if err != nil {
			bad(col, "« "+clip(raw)+" » n'est pas une date au format JJ/MM/AAAA.")
		}
		return d
	}
	months := func(col string, required bool) int {
		raw := strings.TrimSpace(strings.TrimSuffix(v[col], "mois"))
		if raw == "" {
			if required {
				bad(col, "Indiquez le nombre de mois d'expérience (0 s'il n'y en a pas).")
			}
			return 0
		}
		n, err := strconv.Atoi(raw)
		if err != nil || n < 0 || n > 1200 {
			bad(col, "« "+clip(v[col])+" » n'est pas un nombre de mois (un entier, 0 s'il n'y en a pas).")
			return 0
		}
		return n
	}
	c := domain.Candidate{BirthName: v["nom_naissance"], UsedName: v["nom_usage"], FirstNames: v["prenoms"],
		BirthDate: date("date_naissance"), BirthINSEE: v["code_insee_naissance"], BirthCity: v["commune_naissance"],
		BirthCountry: v["pays_naissance"], Email: v["email"], NIR: v["nir"]}
	switch sex := domain.Fold(v["sexe"]); sex {
	case "f", "femme", "feminin":
		c.Sex = domain.SexFemale
	case "m", "h", "homme", "masculin":
		c.Sex = domain.SexMale
	case "x", "autre":
		c.Sex = domain.SexOther
	case "":
	default:
		bad("sexe", "« "+clip(v["sexe"])+" » : écrivez F, M, ou X (autre).")
		c.Sex = "?"
	}
	if len(c.BirthINSEE) == 4 && strings.Trim(c.BirthINSEE, "0123456789") == "" {
		// A spreadsheet drops the leading zero of the codes of departments 01 to 09; the code is
		// not completed here, since a mistyped code would then silently name another commune.
		bad("code_insee_naissance", "Le code INSEE « "+c.BirthINSEE+" » n'a que 4 chiffres : s'il a perdu son 0 initial (départements 01 à 09), écrivez 0"+
			c.BirthINSEE+" et mettez la colonne au format texte dans votre tableur.")
	}
	e := EnrolmentInput{Intake: &store.Intake{InterviewOn: date("date_entretien"), Project: v["projet"], Motivation: v["motivation"],
		ExperienceMonths: months("experience_mois", true), RelatedExperienceMonths: months("experience_liee_mois", false)},
		Derogation: v["motif_derogation"]}
	switch p := domain.Fold(v["public"]); {
	case p == "":
	case strings.HasPrefix(p, "jeune diplom") || p == "recent_graduate":
		e.Public = domain.PublicRecentGraduate
	case strings.HasPrefix(p, "demandeur") || p == "job_seeker":
		e.Public = domain.PublicJobSeeker
	case strings.HasPrefix(p, "salari") || p == "employee":
		e.Public = domain.PublicEmployee
	default:
		bad("public", "« "+clip(v["public"])+" » : écrivez « jeune diplômé », « demandeur d'emploi » ou « salarié ».")
		e.Public = "?"
	}
	e.Blocks = strings.FieldsFunc(strings.ToUpper(v["blocs_optionnels"]), func(r rune) bool {
		return r == ' ' || r == ',' || r == ';' || r == '+' || r == '/' || r == '\n'
	})
	switch lvl := strings.TrimSpace(strings.TrimPrefix(domain.Fold(v["niveau_diplome"]), "niveau")); lvl {
	case "":
		bad("niveau_diplome", "Indiquez le niveau du diplôme le plus élevé : « aucun », ou de 3 à 8.")
	case "aucun", "0", "sans diplome", "sans":
	default:
		n, err := strconv.Atoi(lvl)
		if err != nil {
			bad("niveau_diplome", "« "+clip(v["niveau_diplome"])+" » : écrivez « aucun », ou un niveau de 3 (CAP, BEP) à 8 (doctorat).")
		}
		e.Intake.DiplomaLevel = n
	}
	if raw := v["siret_entreprise"]; raw != "" {
		siret := domain.NormalizeSIRET(raw)
		if id, ok := bySIRET[siret]; ok {
			e.CompanyID = id
		} else if msg := domain.CheckSIRET(siret); msg != "" {
			bad("siret_entreprise", "« "+clip(raw)+" » : "+strings.ToLower(msg[:1])+msg[1:])
		} else {
			bad("siret_entreprise", "Aucune entreprise n'est enregistrée avec le SIRET "+siret+" : demandez au secrétariat de la créer, ou laissez la colonne vide.")
		}
	}
	if raw := v["email_referent"]; raw != "" {
		u, err := q.UserByEmail(ctx, domain.NormalizeEmail(raw))
		switch {
		case domain.ErrorCode(err) == domain.ENOTFOUND:
			bad("email_referent", "Aucun compte n'a l'adresse « "+clip(raw)+" » : le référent doit avoir un compte de référent de l'entreprise.")
		case err != nil:
			return CandidateInput{}, nil, err
		case e.CompanyID == "" && v["siret_entreprise"] == "":
			bad("email_referent", "Indiquez aussi le SIRET de l'entreprise du référent.")
		default:
			e.ReferentUserID = u.ID
		}
	}
	return CandidateInput{Candidate: c, Enrolment: &e}, problems, nil
}

// columnOfField maps the form fields of the service's errors to the import file's columns.
var columnOfField = func() map[string]string {
	m := map[string]string{}
	for _, c := range ImportColumns {
		m[c.field] = c.Key
	}
	return m
}()

// rowProblemsOf turns the field errors of one row into problems, leaving out the columns that
// already have one (a date that cannot be read is not also "missing").
func rowProblemsOf(line int, de *domain.Error, already []ImportProblem) []ImportProblem {
	has := map[string]bool{}
	for _, p := range already {
		has[p.Column] = true
	}
	var out []ImportProblem
	for field, msg := range de.Fields {
		col := columnOfField[field]
		if col != "" && has[col] {
			continue
		}
		out = append(out, ImportProblem{Line: line, Column: col, Message: msg})
	}
	if len(de.Fields) == 0 {
		out = append(out, ImportProblem{Line: line, Message: de.Message})
	}
	return out
}

// sortProblems orders problems by line, then by the columns' order in the file format.
func sortProblems(ps []ImportProblem) {
	order := map[string]int{}
	for i, c := range ImportColumns {
		order[c.Key] = i + 1
	}
	sort.SliceStable(ps, func(i, j int) bool {
		if ps[i].Line != ps[j].Line {
			return ps[i].Line < ps[j].Line
		}
		oi, oj := order[ps[i].Column], order[ps[j].Column]
		if oi == 0 {
			oi = len(order) + 1
		}
		if oj == 0 {
			oj = len(order) + 1
		}
		if oi != oj {
			return oi < oj
		}
		return ps[i].Message < ps[j].Message
	})
}

// ImportTemplateCSV is the template of the import file: its header row, separated by
// semicolons as French spreadsheets expect, in UTF-8 with a byte order mark so that Excel reads
// the accents.
func ImportTemplateCSV() []byte {
	var b bytes.Buffer
	b.WriteString("\xEF\xBB\xBF")
	w := csv.NewWriter(&b)
	w.Comma = ';'
	_ = w.Write(templateHeader())
	w.Flush()
	return b.Bytes()
}

// ImportTemplateXLSX is the template as a workbook: a « Candidats » sheet with the header row,
// whose cells keep what is typed (dates and codes are not turned into numbers), and an « Aide »
// sheet describing every column with an example; optionalBlocks are the action's choices.
func ImportTemplateXLSX(optionalBlocks []string) ([]byte, error) {
	f := excelize.NewFile()
	defer f.Close()
	if err := f.SetSheetName("Sheet1", "Candidats"); err != nil {
		return nil, err
	}
	header := templateHeader()
	text, err := f.NewStyle(&excelize.Style{NumFmt: 49}) // "@": text
	if err != nil {
		return nil, err
	}
	bold, err := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}, NumFmt: 49})
	if err != nil {
		return nil, err
	}
	last, err := excelize.ColumnNumberToName(len(header))
	if err != nil {
		return nil, err
	}
	steps := []func() error{
		func() error { return f.SetColStyle("Candidats", "A:"+last, text) },
		func() error { return f.SetColWidth("Candidats", "A", last, 22) },
		func() error { return f.SetSheetRow("Candidats", "A1", &header) },
		func() error { return f.SetRowStyle("Candidats", 1, 1, bold) },
		func() error {
			return f.SetPanes("Candidats", &excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft"})
		},
		func() error { _, err := f.NewSheet("Aide"); return err },
	}
	help := [][]string{{"Colonne", "Obligatoire", "Contenu", "Exemple"}}
	for _, c := range ImportColumns {
		req, ex := "non", c.Example
		if c.Required {
			req = "oui"
		}
		if c.Key == "blocs_optionnels" && len(optionalBlocks) > 0 {
			ex = strings.Join(optionalBlocks, " ") + " (au choix pour cette action)"
		}
		help = append(help, []string{c.Key, req, c.Description, ex})
	}
	help = append(help, []string{}, []string{"Une ligne par candidat, sur la feuille « Candidats ». Le fichier entier est vérifié avant tout enregistrement : s'il contient une erreur, aucun candidat n'est inscrit et chaque erreur est indiquée avec sa ligne."})
	for i := range help {
		row := help[i]
		steps = append(steps, func() error { return f.SetSheetRow("Aide", "A"+strconv.Itoa(i+1), &row) })
	}
	steps = append(steps,
		func() error { return f.SetRowStyle("Aide", 1, 1, bold) },
		func() error { return f.SetColWidth("Aide", "A", "B", 22) },
		func() error { return f.SetColWidth("Aide", "C", "C", 90) },
		func() error { return f.SetColWidth("Aide", "D", "D", 40) },
	)
	for _, step := range steps {
		if err := step(); err != nil {
			return nil, err
		}
	}
	buf, err := f.WriteToBuffer()
	if err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

func templateHeader() []string {
	header := make([]string, len(ImportColumns))
	for i, c := range ImportColumns {
		header[i] = c.Key
	}
	return header
}
