package store

import (
	"maps"
	"slices"
	"strconv"
	"strings"

	"cqp/internal/domain"
)

// TaskKind names a piece of work a training organisation or a company referent has to do on an
// enrolment: the dashboard counts them and the candidates list shows them (CandidateFilter.Task).
type TaskKind string

const (
	// TaskMarksMissing: in training, a block whose planned hours are done, or every block once
	// the action has ended, has no continuous mark yet.
	TaskMarksMissing TaskKind = "notes"
	// TaskHoursBehind: in training, fewer hours done than the share of the planned hours the
	// action's calendar owes by today (Task.HoursDue).
	TaskHoursBehind TaskKind = "heures"
	// TaskGridDue: at the final evaluation, the evaluator's grid is not submitted.
	TaskGridDue TaskKind = "grilles"
	// TaskBelowMinimum: enrolled or in training, a block's continuous mark (the mean of its
	// latest round) is under the minimum.
	TaskBelowMinimum TaskKind = "moyenne"
	// TaskLogbookDue: in training, the referent has written nothing in the logbook since
	// Task.Since.
	TaskLogbookDue TaskKind = "livret"
)

// Task narrows a candidates list to the enrolments on which one kind of work waits. It is an
// enrolment condition: OrganisationIDs or ReferentUserID keep it to the actor's own enrolments
// (the list's Scope still applies on top).
type Task struct {
	Kind            TaskKind
	Today           domain.Date
	OrganisationIDs []string // the enrolments of these training organisations
	ReferentUserID  string   // the enrolments this referent follows
	// TaskGridDue: whose grid, and the routes on which that grid is read.
	Evaluator domain.Evaluator
	Routes    []domain.Route
	// TaskBelowMinimum: the continuous-mark minimum.
	Minimum domain.Mark
	// TaskHoursBehind: action id → percentage (0–100) of the planned hours due today. An
	// enrolment outside these actions is never behind.
	HoursDue map[string]int
	// TaskLogbookDue: a logbook entry on or after this day is recent enough.
	Since domain.Date
}

// gatedRoutes are the routes with continuous marks and training hours.
var gatedRoutes = []string{string(domain.RouteFormation), string(domain.RouteBlocs)}

// taskSQL returns the condition on enrolment alias e that selects the task's enrolments.
func taskSQL(t Task, a *args) string {
	var conds []string
	if len(t.OrganisationIDs) > 0 {
		conds = append(conds, `e.training_organisation_id IN `+a.in(t.OrganisationIDs))
	}
	if t.ReferentUserID != "" {
		conds = append(conds, `e.referent_user_id = `+a.add(t.ReferentUserID))
	}
	if len(conds) == 0 {
		return "1 = 0" // a task is always someone's
	}
	status := func(sts ...domain.EnrolmentStatus) string {
		s := make([]string, len(sts))
		for i, st := range sts {
			s[i] = string(st)
		}
		return `e.status IN ` + a.in(s)
	}
	switch t.Kind {
	case TaskMarksMissing:
		conds = append(conds, status(domain.StatusInTraining), `e.route IN `+a.in(gatedRoutes),
			`(EXISTS (SELECT 1 FROM training_hours th WHERE th.enrolment_id = e.id AND th.planned_hours > 0
				AND th.done_hours >= th.planned_hours
				AND NOT EXISTS (SELECT 1 FROM continuous_marks m WHERE m.enrolment_id = e.id AND m.block_code = th.block_code))
			OR (e.action_id IN (SELECT ac.id FROM actions ac WHERE ac.ends_on < `+a.add(t.Today.ISO())+`)
				AND (SELECT COUNT(DISTINCT m.block_code) FROM continuous_marks m WHERE m.enrolment_id = e.id)
					< LENGTH(e.blocks) - LENGTH(REPLACE(e.blocks, ' ', '')) + 1))`)
	case TaskHoursBehind:
		if len(t.HoursDue) == 0 {
			conds = append(conds, "1 = 0") // keeps the arguments above in use (PostgreSQL counts them)
			break
		}
		var when []string
		actions := slices.Sorted(maps.Keys(t.HoursDue))
		for _, id := range actions {
			when = append(when, `WHEN e.action_id = `+a.add(id)+` THEN `+strconv.Itoa(min(max(t.HoursDue[id], 0), 100)))
		}
		// Planned: what the organisation recorded for the enrolment, else the action's plan. The
		// enrolments of these actions alone are summed: no other can be behind.
		conds = append(conds, status(domain.StatusInTraining), `e.action_id IN `+a.in(actions),
			`100 * (SELECT COALESCE(SUM(th.done_hours), 0) FROM training_hours th WHERE th.enrolment_id = e.id)
			< (CASE `+strings.Join(when, " ")+` ELSE 0 END) * COALESCE(
				(SELECT NULLIF(SUM(th.planned_hours), 0) FROM training_hours th WHERE th.enrolment_id = e.id),
				(SELECT ac.planned_hours FROM actions ac WHERE ac.id = e.action_id), 0)`)
	case TaskGridDue:
		routes := make([]string, len(t.Routes))
		for i, r := range t.Routes {
			routes[i] = string(r)
		}
		if len(routes) == 0 {
			conds = append(conds, "1 = 0")
			break
		}
		conds = append(conds, status(domain.StatusFinalEvaluation), `e.route IN `+a.in(routes),
			`e.stage <> `+a.add(domain.StageBlocsFinal),
			`NOT EXISTS (SELECT 1 FROM evaluation_grids g WHERE g.enrolment_id = e.id AND g.evaluator = `+a.add(string(t.Evaluator))+
				` AND g.status = `+a.add(string(GridSubmitted))+`)`)
	case TaskBelowMinimum:
		// A block's mean under the minimum has a mark under it: that cheap test comes first, so
		// that the means are worked out for few enrolments.
		conds = append(conds, status(domain.StatusEnrolled, domain.StatusInTraining), `e.route IN `+a.in(gatedRoutes),
			`EXISTS (SELECT 1 FROM continuous_marks m0 WHERE m0.enrolment_id = e.id AND m0.mark < `+strconv.Itoa(int(t.Minimum))+`)`,
			`EXISTS (SELECT 1 FROM continuous_marks m WHERE m.enrolment_id = e.id
				AND m.round = (SELECT MAX(m2.round) FROM continuous_marks m2 WHERE m2.enrolment_id = m.enrolment_id AND m2.block_code = m.block_code)
				GROUP BY m.block_code HAVING SUM(m.mark) < `+strconv.Itoa(int(t.Minimum))+` * COUNT(*))`)
	case TaskLogbookDue:
		conds = append(conds, status(domain.StatusInTraining), `e.referent_user_id IS NOT NULL`,
			`NOT EXISTS (SELECT 1 FROM logbook_entries l WHERE l.enrolment_id = e.id AND l.on_date >= `+a.add(t.Since.ISO())+`)`)
	default:
		conds = append(conds, "1 = 0")
	}
	return "(" + strings.Join(conds, " AND ") + ")"
}
