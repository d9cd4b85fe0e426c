package service

import (
	"strconv"
	"strings"
	"unicode/utf8"

	"cqp/internal/domain"
)

// Batches (training hours, continuous marks) sent by an organisation's own system: all or
// nothing in one transaction, each row checked as a single one is, every row's errors listed
// under items[i].field with messages that start « Ligne N : ».

// MaxBatchRows bounds the rows of one batch: enough for an organisation's whole intake, small
// enough for one transaction.
const MaxBatchRows = 1000

// BatchField names field of row i (counted from 0, as in the list sent) in the errors of a
// batch: "items[i].field".
func BatchField(i int, field string) string { return "items[" + strconv.Itoa(i) + "]." + field }

// BatchMessage says msg about row i (counted from 0) as a person counts rows: « Ligne i+1 : … ».
func BatchMessage(i int, msg string) string {
	r, n := utf8.DecodeRuneInString(msg)
	if n > 0 && !strings.HasPrefix(msg, "« ") {
		msg = strings.ToLower(string(r)) + msg[n:]
	}
	return "Ligne " + strconv.Itoa(i+1) + " : " + msg
}

// BatchTooLarge says, in French, why a batch of rows rows is refused: more than MaxBatchRows.
func BatchTooLarge(rows int) string {
	return "Le lot compte " + frenchInt(rows) + " lignes : " + frenchInt(MaxBatchRows) + " au plus par envoi. " +
		"Découpez-le en plusieurs lots ; chacun est enregistré en entier ou pas du tout."
}

// batchTooLarge refuses a batch of more than MaxBatchRows rows.
func batchTooLarge(rows int) error {
	msg := BatchTooLarge(rows)
	return &domain.Error{Code: domain.EINVALID, Message: msg, Fields: map[string]string{"items": msg}}
}

// batchInvalid is the refusal of a batch with errors on some rows: nothing was recorded.
func batchInvalid(fe domain.FieldErrors) error {
	return &domain.Error{Code: domain.EINVALID, Fields: fe, Message: "Le lot contient des erreurs : rien n'est enregistré. " +
		"Corrigez les lignes signalées et renvoyez le lot entier."}
}
