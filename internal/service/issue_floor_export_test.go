package service

import (
	"archive/zip"
	"bytes"
	"context"

	"cqp/internal/docs"
	"cqp/internal/store"
)

// SessionDocumentInputs are what the PDFs of a session's valid documents print, and the names
// its ZIP gives them, read as the ZIP reads them: the input of BenchmarkIssueSession300's floor.
func (s *Service) SessionDocumentInputs(ctx context.Context, sessionID string) ([]docs.CertificateDoc, []string, error) {
	p, err := s.store.Read().Certificates(ctx, store.CertificateFilter{SessionID: sessionID, Status: store.CertificateValid})
	if err != nil {
		return nil, nil, err
	}
	ds := make([]docs.CertificateDoc, len(p.Items))
	names := make([]string, len(p.Items))
	for i, c := range p.Items {
		ds[i], names[i] = s.documentOf(c), ArchiveFileName(c)
	}
	return ds, names, nil
}

// RenderAndZip is what issuing a session cannot do without: each document rendered once, on
// every processor, then the PDFs deflated into one ZIP, as SessionDocumentsZIP writes it.
func RenderAndZip(ds []docs.CertificateDoc, names []string) ([]byte, error) {
	pdfs, err := docs.CertificatePDFs(ds)
	if err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for i, pdf := range pdfs {
		w, err := zw.CreateHeader(&zip.FileHeader{Name: names[i], Method: zip.Deflate})
		if err != nil {
			return nil, err
		}
		if _, err := w.Write(pdf); err != nil {
			return nil, err
		}
	}
	err = zw.Close()
	return buf.Bytes(), err
}
