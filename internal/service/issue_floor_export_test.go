package service

import (
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
// every processor, then the PDFs deflated into one ZIP by the code SessionDocumentsZIP uses.
func RenderAndZip(ds []docs.CertificateDoc, names []string) ([]byte, error) {
	pdfs, err := docs.CertificatePDFs(ds)
	if err != nil {
		return nil, err
	}
	files := make([]zipFile, len(pdfs))
	for i, pdf := range pdfs {
		files[i] = zipFile{name: names[i], content: pdf}
	}
	return zipFiles(files)
}
