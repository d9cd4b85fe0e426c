package service

import (
	"context"
	"fmt"
	"net"
	"net/smtp"
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

// Outbox lists the mails, newest first, for the secretariat.
func (s *Service) Outbox(ctx context.Context, a domain.Actor) ([]store.Mail, error) {
	if err := Check(a, ActOutboxRead); err != nil {
		return nil, err
	}
	return s.store.Read().ListMail(ctx, 200)
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
	var b strings.Builder
	fmt.Fprintf(&b, "From: %s\r\nTo: %s\r\nSubject: =?UTF-8?B?%s?=\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=UTF-8\r\nContent-Transfer-Encoding: 8bit\r\nDate: %s\r\nMessage-ID: <%s@cqp>\r\n\r\n",
		cfg.From, m.To, b64(m.Subject), m.CreatedAt.Format(time.RFC1123Z), m.ID)
	b.WriteString(strings.ReplaceAll(m.Body, "\n", "\r\n"))
	return smtp.SendMail(cfg.Addr, auth, cfg.From, []string{m.To}, []byte(b.String()))
}
