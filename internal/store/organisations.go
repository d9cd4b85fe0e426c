package store

import (
	"context"
	"database/sql"

	"cqp/internal/domain"
)

func siretConflict(err error) error {
	if err = normalize(err); domain.ErrorCode(err) == domain.ECONFLICT {
		msg := "Ce SIRET est déjà enregistré."
		return &domain.Error{Code: domain.ECONFLICT, Message: msg, Fields: map[string]string{"siret": msg}, Err: err}
	}
	return err
}

// CreateTrainingOrganisation inserts an OF. A duplicate SIRET is a conflict on "siret".
func (q Q) CreateTrainingOrganisation(ctx context.Context, o domain.TrainingOrganisation) error {
	_, err := q.db.ExecContext(ctx,
		`INSERT INTO training_organisations (id, name, siret, city, email, created_at) VALUES ($1, $2, $3, $4, $5, $6)`,
		o.ID, o.Name, o.SIRET, o.City, o.Email, o.CreatedAt.UTC())
	return siretConflict(err)
}

// UpdateTrainingOrganisation changes an OF's details.
func (q Q) UpdateTrainingOrganisation(ctx context.Context, o domain.TrainingOrganisation) error {
	res, err := q.db.ExecContext(ctx,
		`UPDATE training_organisations SET name = $1, siret = $2, city = $3, email = $4 WHERE id = $5`,
		o.Name, o.SIRET, o.City, o.Email, o.ID)
	if err != nil {
		return siretConflict(err)
	}
	return mustAffect(res, nil)
}

// TrainingOrganisation returns an OF with its accreditations.
func (q Q) TrainingOrganisation(ctx context.Context, id string) (domain.TrainingOrganisation, error) {
	var o domain.TrainingOrganisation
	err := q.db.QueryRowContext(ctx,
		`SELECT id, name, siret, city, email, created_at FROM training_organisations WHERE id = $1`, id).
		Scan(&o.ID, &o.Name, &o.SIRET, &o.City, &o.Email, &o.CreatedAt)
	if err != nil {
		return o, normalize(err)
	}
	accs, err := q.accreditations(ctx, `WHERE a.training_organisation_id = $1`, id)
	if err != nil {
		return o, err
	}
	o.Accreditations = accs[id]
	return o, nil
}

// ListTrainingOrganisations returns the OFs ordered by name, with their accreditations;
// ids limits the list when not nil.
func (q Q) ListTrainingOrganisations(ctx context.Context, ids []string) ([]domain.TrainingOrganisation, error) {
	var a args
	query := `SELECT id, name, siret, city, email, created_at FROM training_organisations`
	if ids != nil {
		if len(ids) == 0 {
			return nil, nil
		}
		query += ` WHERE id IN ` + a.in(ids)
	}
	rows, err := q.db.QueryContext(ctx, query+` ORDER BY name, id`, a...)
	if err != nil {
		return nil, normalize(err)
	}
	var out []domain.TrainingOrganisation
	for rows.Next() {
		var o domain.TrainingOrganisation
		if err := rows.Scan(&o.ID, &o.Name, &o.SIRET, &o.City, &o.Email, &o.CreatedAt); err != nil {
			rows.Close()
			return nil, normalize(err)
		}
		out = append(out, o)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, normalize(err)
	}
	accs, err := q.accreditations(ctx, "")
	if err != nil {
		return nil, err
	}
	for i := range out {
		out[i].Accreditations = accs[out[i].ID]
	}
	return out, nil
}

// AddAccreditation records an accreditation.
func (q Q) AddAccreditation(ctx context.Context, a domain.Accreditation) error {
	_, err := q.db.ExecContext(ctx,
		`INSERT INTO accreditations (id, training_organisation_id, qualification_id, valid_from, valid_until, created_at, obligations_version)
		 VALUES ($1, $2, $3, $4, $5, $6, $7)`,
		a.ID, a.TrainingOrganisationID, a.QualificationID, a.ValidFrom.ISO(), a.ValidUntil.ISO(), a.CreatedAt.UTC(), a.ObligationsVersion)
	return normalize(err)
}

func (q Q) accreditations(ctx context.Context, where string, params ...any) (map[string][]domain.Accreditation, error) {
	rows, err := q.db.QueryContext(ctx,
		`SELECT a.id, a.training_organisation_id, a.qualification_id, qu.code, qu.title, a.valid_from, a.valid_until, a.created_at,
		        a.status, a.status_reason, a.status_changed_at, a.obligations_version
		 FROM accreditations a JOIN qualifications qu ON qu.id = a.qualification_id `+where+
			` ORDER BY qu.code, a.valid_from`, params...)
	if err != nil {
		return nil, normalize(err)
	}
	defer rows.Close()
	m := map[string][]domain.Accreditation{}
	for rows.Next() {
		var a domain.Accreditation
		var from, until, status string
		var changed sql.NullTime
		if err := rows.Scan(&a.ID, &a.TrainingOrganisationID, &a.QualificationID, &a.QualificationCode,
			&a.QualificationTitle, &from, &until, &a.CreatedAt, &status, &a.StatusReason, &changed, &a.ObligationsVersion); err != nil {
			return nil, normalize(err)
		}
		a.Status = domain.AccreditationStatus(status)
		if changed.Valid {
			t := changed.Time
			a.StatusChangedAt = &t
		}
		a.ValidFrom, a.ValidUntil = parseDate(from), parseDate(until)
		m[a.TrainingOrganisationID] = append(m[a.TrainingOrganisationID], a)
	}
	return m, normalize(rows.Err())
}

// CreateCompany inserts a company. A duplicate SIRET is a conflict on "siret".
func (q Q) CreateCompany(ctx context.Context, c domain.Company) error {
	_, err := q.db.ExecContext(ctx,
		`INSERT INTO companies (id, name, siret, city, created_at) VALUES ($1, $2, $3, $4, $5)`,
		c.ID, c.Name, c.SIRET, c.City, c.CreatedAt.UTC())
	return siretConflict(err)
}

// Company returns one company.
func (q Q) Company(ctx context.Context, id string) (domain.Company, error) {
	var c domain.Company
	err := q.db.QueryRowContext(ctx, `SELECT id, name, siret, city, created_at FROM companies WHERE id = $1`, id).
		Scan(&c.ID, &c.Name, &c.SIRET, &c.City, &c.CreatedAt)
	return c, normalize(err)
}

// ListCompanies returns companies ordered by name; ids limits the list when not nil.
func (q Q) ListCompanies(ctx context.Context, ids []string) ([]domain.Company, error) {
	var a args
	query := `SELECT id, name, siret, city, created_at FROM companies`
	if ids != nil {
		if len(ids) == 0 {
			return nil, nil
		}
		query += ` WHERE id IN ` + a.in(ids)
	}
	rows, err := q.db.QueryContext(ctx, query+` ORDER BY name, id`, a...)
	if err != nil {
		return nil, normalize(err)
	}
	defer rows.Close()
	var out []domain.Company
	for rows.Next() {
		var c domain.Company
		if err := rows.Scan(&c.ID, &c.Name, &c.SIRET, &c.City, &c.CreatedAt); err != nil {
			return nil, normalize(err)
		}
		out = append(out, c)
	}
	return out, normalize(rows.Err())
}

// CreateFunder inserts an OPCO.
func (q Q) CreateFunder(ctx context.Context, f domain.Funder) error {
	_, err := q.db.ExecContext(ctx, `INSERT INTO funders (id, name, created_at) VALUES ($1, $2, $3)`, f.ID, f.Name, f.CreatedAt.UTC())
	return normalize(err)
}

// ListFunders returns the OPCOs ordered by name.
func (q Q) ListFunders(ctx context.Context) ([]domain.Funder, error) {
	rows, err := q.db.QueryContext(ctx, `SELECT id, name, created_at FROM funders ORDER BY name`)
	if err != nil {
		return nil, normalize(err)
	}
	defer rows.Close()
	var out []domain.Funder
	for rows.Next() {
		var f domain.Funder
		if err := rows.Scan(&f.ID, &f.Name, &f.CreatedAt); err != nil {
			return nil, normalize(err)
		}
		out = append(out, f)
	}
	return out, normalize(rows.Err())
}
