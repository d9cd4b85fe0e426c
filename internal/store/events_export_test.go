package store

import (
	"context"
	"strings"
)

// ExplainEvents returns SQLite's plan of ListEvents' query, one line per step.
func (s *Store) ExplainEvents(ctx context.Context, sc EventScope, after, before string, limit int) (string, error) {
	query, a := eventsSQL(sc, after, before, limit)
	rows, err := s.reader.QueryContext(ctx, `EXPLAIN QUERY PLAN `+query, a...)
	if err != nil {
		return "", err
	}
	defer rows.Close()
	var lines []string
	for rows.Next() {
		var id, parent, notused int
		var detail string
		if err := rows.Scan(&id, &parent, &notused, &detail); err != nil {
			return "", err
		}
		lines = append(lines, detail)
	}
	return strings.Join(lines, "\n"), rows.Err()
}
