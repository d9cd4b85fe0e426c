package web

import (
	"mime"
	"net/http"
	"strconv"

	"cqp/internal/service"
)

// sendFile answers with a file to download under its name.
func sendFile(w http.ResponseWriter, f service.CertificateFile) {
	w.Header().Set("Content-Type", f.Type)
	w.Header().Set("Content-Disposition", mime.FormatMediaType("attachment", map[string]string{"filename": f.Name}))
	w.Header().Set("Content-Length", strconv.Itoa(len(f.Content)))
	w.Header().Set("Cache-Control", "private, no-store")
	_, _ = w.Write(f.Content)
}
