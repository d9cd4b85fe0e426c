package domain

import (
	"bytes"
	"fmt"
	"image"
	_ "image/jpeg" // registers JPEG for image.DecodeConfig
	_ "image/png"  // registers PNG for image.DecodeConfig
	"path/filepath"
	"strings"
)

// Evidence file types accepted on the experience file, told by their content.
const (
	EvidencePDF  = "application/pdf"
	EvidencePNG  = "image/png"
	EvidenceJPEG = "image/jpeg"
)

// EvidenceExtension is the file extension matching an evidence content type.
func EvidenceExtension(contentType string) string {
	switch contentType {
	case EvidencePDF:
		return ".pdf"
	case EvidencePNG:
		return ".png"
	case EvidenceJPEG:
		return ".jpg"
	}
	return ""
}

// SniffEvidence tells an evidence file's type from its content, whatever its name says: a
// PDF without active content (checkPDFContent), or a PNG or a JPEG whose header is readable
// and whose dimensions are sane (checkImageSize). Anything else is refused with
// a French message naming the file and, when it is recognisable, what it really is.
func SniffEvidence(filename string, content []byte) (string, error) {
	name := filepath.Base(strings.ReplaceAll(filename, `\`, "/"))
	if len(content) == 0 {
		return "", fmt.Errorf("le fichier « %s » est vide", name)
	}
	switch {
	case bytes.HasPrefix(content, []byte("%PDF-")):
		tail := content
		if len(tail) > 2048 {
			tail = tail[len(tail)-2048:]
		}
		if !bytes.Contains(tail, []byte("%%EOF")) {
			return "", fmt.Errorf("le fichier « %s » est un PDF tronqué ou abîmé (sa fin manque) : enregistrez-le de nouveau et recommencez", name)
		}
		if err := checkPDFContent(name, content); err != nil {
			return "", err
		}
		return EvidencePDF, nil
	case bytes.HasPrefix(content, []byte("\x89PNG\r\n\x1a\n")):
		if err := checkImageSize(name, "PNG", content); err != nil {
			return "", err
		}
		return EvidencePNG, nil
	case bytes.HasPrefix(content, []byte{0xFF, 0xD8, 0xFF}):
		if err := checkImageSize(name, "JPEG", content); err != nil {
			return "", err
		}
		return EvidenceJPEG, nil
	}
	what := contentKind(content)
	if what != "" {
		return "", fmt.Errorf("le fichier « %s » n'est ni un PDF, ni une image PNG ou JPEG : son contenu est %s. Seuls les PDF, PNG et JPEG sont acceptés", name, what)
	}
	return "", fmt.Errorf("le fichier « %s » n'est ni un PDF, ni une image PNG ou JPEG, quel que soit son nom. Seuls les PDF, PNG et JPEG sont acceptés", name)
}

// The largest image accepted as evidence: a phone's photo is far below. Decoding a larger one
// would take memory out of proportion with its file's size.
const (
	maxImageSide   = 10_000
	maxImagePixels = 50_000_000
)

// checkImageSize reads an image's header only (image.DecodeConfig) and refuses it when it is
// unreadable or its dimensions pass maxImageSide or maxImagePixels, before anything decodes it.
func checkImageSize(name, format string, content []byte) error {
	cfg, _, err := image.DecodeConfig(bytes.NewReader(content))
	if err != nil {
		return fmt.Errorf("le fichier « %s » ressemble à une image %s mais n'est pas lisible", name, format)
	}
	if cfg.Width <= 0 || cfg.Height <= 0 {
		return fmt.Errorf("le fichier « %s » est une image %s sans dimensions lisibles", name, format)
	}
	if cfg.Width > maxImageSide || cfg.Height > maxImageSide || int64(cfg.Width)*int64(cfg.Height) > maxImagePixels {
		return fmt.Errorf("le fichier « %s » est une image de %s × %s pixels, trop grande : réduisez-la à 10 000 pixels de côté "+
			"et 50 millions de pixels au plus (une photo de téléphone convient), puis recommencez",
			name, GroupThousands(cfg.Width, " "), GroupThousands(cfg.Height, " "))
	}
	return nil
}

// GroupThousands writes n with its digits grouped by three, French style, with sep between
// the groups: 12345 as "12 345" with a space, or with a no-break space for running text.
func GroupThousands(n int, sep string) string {
	s := fmt.Sprint(n)
	var b strings.Builder
	for i, r := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteString(sep)
		}
		b.WriteRune(r)
	}
	return b.String()
}

// contentKind names, in French, a few kinds of file people send by mistake or on purpose.
func contentKind(b []byte) string {
	switch {
	case bytes.HasPrefix(b, []byte("MZ")):
		return "celui d'un programme exécutable Windows"
	case bytes.HasPrefix(b, []byte("\x7fELF")):
		return "celui d'un programme exécutable"
	case bytes.HasPrefix(b, []byte{0xCF, 0xFA, 0xED, 0xFE}), bytes.HasPrefix(b, []byte{0xFE, 0xED, 0xFA, 0xCF}),
		bytes.HasPrefix(b, []byte{0xCA, 0xFE, 0xBA, 0xBE}):
		return "celui d'un programme exécutable"
	case bytes.HasPrefix(b, []byte("#!")):
		return "celui d'un script"
	case bytes.HasPrefix(b, []byte("PK\x03\x04")):
		return "celui d'une archive ZIP ou d'un document bureautique (Word, Excel…) : enregistrez-le en PDF"
	case bytes.HasPrefix(b, []byte{0xD0, 0xCF, 0x11, 0xE0}):
		return "celui d'un ancien document bureautique (Word, Excel…) : enregistrez-le en PDF"
	case bytes.HasPrefix(b, []byte("GIF8")):
		return "celui d'une image GIF : enregistrez-la en PNG ou JPEG"
	case len(b) > 12 && string(b[4:12]) == "ftypheic":
		return "celui d'une photo HEIC : enregistrez-la en JPEG"
	}
	head := strings.ToLower(string(b[:min(len(b), 512)]))
	if strings.Contains(head, "<html") || strings.Contains(head, "<script") || strings.Contains(head, "<svg") {
		return "celui d'une page web ou d'une image SVG"
	}
	return ""
}
