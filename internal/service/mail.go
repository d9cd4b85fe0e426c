package service

import (
	"bytes"
	"context"
	"encoding/base64"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"net"
	"net/smtp"
	"net/textproto"
	"strings"
	"time"

	"cqp/internal/domain"
	"cqp/internal/store"
)

// queueMail puts a message in the outbox inside the caller's transaction: a mail exists only
// if the change that caused it was committed.
func (s *Service) queueMail(ctx context.Context, q store.Q, to, subject, body string) error {
	return q.QueueMail(ctx, store.Mail{ID: newID(), To: to, Subject: subject, Body: body, CreatedAt: s.Now()})
}

// Attachment is a file sent with a mail.
type Attachment struct {
	Name    string // file name shown to the recipient, e.g. "convocation.ics"
	Type    string // MIME type, e.g. "text/calendar; charset=UTF-8; method=PUBLISH"
	Content []byte
}

// queueMailWithAttachment is queueMail with one attached file.
func (s *Service) queueMailWithAttachment(ctx context.Context, q store.Q, to, subject, body string, att Attachment) error {
	return q.QueueMail(ctx, store.Mail{ID: newID(), To: to, Subject: subject, Body: body, CreatedAt: s.Now(),
		AttachmentName: att.Name, AttachmentType: att.Type, Attachment: att.Content})
}

// OutboxListed is how many of the latest mails the outbox list shows.
const OutboxListed = 200

// Outbox lists the latest mails, newest first, for the secretariat: each attachment's name and
// type, not its content.
func (s *Service) Outbox(ctx context.Context, a domain.Actor) ([]store.Mail, error) {
	if err := Check(a, ActOutboxRead); err != nil {
		return nil, err
	}
	return s.store.Read().ListMailWithoutAttachments(ctx, OutboxListed)
}

// SMTP is where mail is sent when configured.
type SMTP struct {
	Addr     string
	User     string
	Password string
	From     string
}

// SendPendingMail sends unsent outbox messages through SMTP and records each outcome.
func (s *Service) SendPendingMail(ctx context.Context, cfg SMTP) (int, error) {
	mails, err := s.store.Read().UnsentMail(ctx, 50)
	if err != nil {
		return 0, err
	}
	sent := 0
	for _, m := range mails {
		sendErr := sendSMTP(cfg, m)
		var at *time.Time
		msg := ""
		if sendErr == nil {
			now := s.Now()
			at = &now
			sent++
		} else {
			msg = sendErr.Error()
			s.log.Warn("mail not sent", "mail_id", m.ID, "error", sendErr)
		}
		if err := s.store.Write(ctx, func(q store.Q) error { return q.MarkMail(ctx, m.ID, at, msg) }); err != nil {
			return sent, err
		}
	}
	return sent, nil
}

func sendSMTP(cfg SMTP, m store.Mail) error {
	host, _, err := net.SplitHostPort(cfg.Addr)
	if err != nil {
		return fmt.Errorf("smtp address: %w", err)
	}
	var auth smtp.Auth
	if cfg.User != "" {
		auth = smtp.PlainAuth("", cfg.User, cfg.Password, host)
	}
	msg, err := formatMail(cfg.From, m)
	if err != nil {
		return err
	}
	return smtp.SendMail(cfg.Addr, auth, cfg.From, []string{m.To}, msg)
}

// formatMail writes the message as sent: plain UTF-8 text, or, with an attachment, a
// multipart/mixed message whose first part is the text and second the file in base64.
func formatMail(from string, m store.Mail) ([]byte, error) {
	var b strings.Builder
	fmt.Fprintf(&b, "From: %s\r\nTo: %s\r\nSubject: =?UTF-8?B?%s?=\r\nMIME-Version: 1.0\r\nDate: %s\r\nMessage-ID: <%s@cqp>\r\n",
		from, m.To, b64(m.Subject), m.CreatedAt.Format(time.RFC1123Z), m.ID)
	text := strings.ReplaceAll(m.Body, "\n", "\r\n")
	if !m.HasAttachment() {
		b.WriteString("Content-Type: text/plain; charset=UTF-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n")
		b.WriteString(text)
		return []byte(b.String()), nil
	}
	var body bytes.Buffer
	w := multipart.NewWriter(&body)
	fmt.Fprintf(&b, "Content-Type: multipart/mixed; boundary=%q\r\n\r\n", w.Boundary())
	part, err := w.CreatePart(textproto.MIMEHeader{
		"Content-Type":              {"text/plain; charset=UTF-8"},
		"Content-Transfer-Encoding": {"8bit"},
	})
	if err != nil {
		return nil, err
	}
	if _, err := io.WriteString(part, text); err != nil {
		return nil, err
	}
	ctype := m.AttachmentType
	if ctype == "" {
		ctype = "application/octet-stream"
	}
	name := mime.QEncoding.Encode("UTF-8", m.AttachmentName)
	part, err = w.CreatePart(textproto.MIMEHeader{
		"Content-Type":              {ctype + "; name=\"" + name + "\""},
		"Content-Disposition":       {"attachment; filename=\"" + name + "\""},
		"Content-Transfer-Encoding": {"base64"},
	})
	if err != nil {
		return nil, err
	}
	enc := base64.StdEncoding.EncodeToString(m.Attachment)
	for len(enc) > 76 {
		if _, err := io.WriteString(part, enc[:76]+"\r\n"); err != nil {
			return nil, err
		}
		enc = enc[76:]
	}
	if _, err := io.WriteString(part, enc+"\r\n"); err != nil {
		return nil, err
	}
	if err := w.Close(); err != nil {
		return nil, err
	}
	b.Write(body.Bytes())
	return []byte(b.String()), nil
}
