package service

import (
	"bytes"
	"encoding/base64"
	"io"
	"mime"
	"mime/multipart"
	"net/mail"
	"strings"
	"testing"
	"time"

	"cqp/internal/store"
)

func TestMailsAreSentAsPlainTextOrWithOneAttachment(t *testing.T) {
	at := time.Date(2026, 11, 25, 9, 0, 0, 0, time.UTC)
	ics := []byte("BEGIN:VCALENDAR\r\nSUMMARY:Oral — Éloïse\r\nEND:VCALENDAR\r\n")

	t.Run("a mail without attachment is plain UTF-8 text", func(t *testing.T) {
		raw, err := formatMail("cqp@example.fr", store.Mail{ID: "m1", To: "a@example.fr", Subject: "Objet é", Body: "Ligne 1\nLigne 2", CreatedAt: at})
		if err != nil {
			t.Fatal(err)
		}
		msg, err := mail.ReadMessage(bytes.NewReader(raw))
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(msg.Body)
		if ct := msg.Header.Get("Content-Type"); ct != "text/plain; charset=UTF-8" || string(body) != "Ligne 1\r\nLigne 2" {
			t.Fatalf("%s %q", ct, body)
		}
		if subj, err := new(mime.WordDecoder).DecodeHeader(msg.Header.Get("Subject")); err != nil || subj != "Objet é" {
			t.Fatalf("subject %q %v", subj, err)
		}
	})

	t.Run("a mail with an attachment is multipart/mixed: the text, then the file in base64", func(t *testing.T) {
		raw, err := formatMail("cqp@example.fr", store.Mail{ID: "m2", To: "a@example.fr", Subject: "Convocation", Body: "Bonjour,\nÀ bientôt",
			CreatedAt: at, AttachmentName: "convocation.ics", AttachmentType: "text/calendar; charset=UTF-8; method=PUBLISH", Attachment: ics})
		if err != nil {
			t.Fatal(err)
		}
		msg, err := mail.ReadMessage(bytes.NewReader(raw))
		if err != nil {
			t.Fatal(err)
		}
		mt, params, err := mime.ParseMediaType(msg.Header.Get("Content-Type"))
		if err != nil || mt != "multipart/mixed" {
			t.Fatalf("%s %v", mt, err)
		}
		r := multipart.NewReader(msg.Body, params["boundary"])
		text, err := r.NextPart()
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(text)
		if !strings.HasPrefix(text.Header.Get("Content-Type"), "text/plain") || string(b) != "Bonjour,\r\nÀ bientôt" {
			t.Fatalf("text part %v %q", text.Header, b)
		}
		file, err := r.NextPart()
		if err != nil {
			t.Fatal(err)
		}
		// multipart.Reader decodes quoted-printable only; base64 is decoded here.
		enc, _ := io.ReadAll(file)
		got, err := decodeBase64Lines(enc)
		if err != nil || !bytes.Equal(got, ics) {
			t.Fatalf("attachment %q %v", got, err)
		}
		if file.FileName() != "convocation.ics" || !strings.HasPrefix(file.Header.Get("Content-Type"), "text/calendar") ||
			file.Header.Get("Content-Transfer-Encoding") != "base64" {
			t.Fatalf("attachment headers %v", file.Header)
		}
		for _, line := range strings.Split(string(enc), "\r\n") {
			if len(line) > 76 {
				t.Fatalf("base64 line of %d characters", len(line))
			}
		}
		if _, err := r.NextPart(); err != io.EOF {
			t.Fatalf("more than two parts: %v", err)
		}
	})
}

func decodeBase64Lines(b []byte) ([]byte, error) {
	return base64.StdEncoding.DecodeString(strings.NewReplacer("\r", "", "\n", "").Replace(string(b)))
}
