package domain

import (
	"bytes"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"strings"
	"testing"
)

func tinyImage() image.Image {
	img := image.NewRGBA(image.Rect(0, 0, 4, 3))
	img.Set(1, 1, color.RGBA{R: 200, A: 255})
	return img
}

func TestSniffEvidence(t *testing.T) {
	var pngData, jpegData bytes.Buffer
	if err := png.Encode(&pngData, tinyImage()); err != nil {
		t.Fatal(err)
	}
	if err := jpeg.Encode(&jpegData, tinyImage(), nil); err != nil {
		t.Fatal(err)
	}
	pdf := []byte("%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n")
	accepted := []struct {
		name, file string
		content    []byte
		want       string
	}{
		{"pdf", "attestation.pdf", pdf, EvidencePDF},
		{"png", "capture.png", pngData.Bytes(), EvidencePNG},
		{"jpeg", "photo.jpg", jpegData.Bytes(), EvidenceJPEG},
		{"a PNG named .pdf is read as a PNG", "scan.pdf", pngData.Bytes(), EvidencePNG},
	}
	for _, c := range accepted {
		t.Run(c.name, func(t *testing.T) {
			got, err := SniffEvidence(c.file, c.content)
			if err != nil || got != c.want {
				t.Fatalf("SniffEvidence(%s) = %q, %v; want %q", c.file, got, err, c.want)
			}
		})
	}
	refused := []struct {
		name, file string
		content    []byte
		says       string
	}{
		{"windows executable named .pdf", "contrat.pdf", append([]byte("MZ\x90\x00"), make([]byte, 200)...), "programme exécutable Windows"},
		{"linux executable named .png", "photo.png", append([]byte("\x7fELF\x02\x01"), make([]byte, 64)...), "programme exécutable"},
		{"script", "preuve.pdf", []byte("#!/bin/sh\nrm -rf /\n"), "script"},
		{"word document", "cv.pdf", []byte("PK\x03\x04rest-of-zip"), "enregistrez-le en PDF"},
		{"html", "page.pdf", []byte("<!doctype html><html><script>alert(1)</script>"), "page web"},
		{"empty", "vide.pdf", nil, "est vide"},
		{"truncated pdf", "coupé.pdf", append([]byte("%PDF-1.7\n"), make([]byte, 5000)...), "tronqué"},
		{"broken png", "x.png", []byte("\x89PNG\r\n\x1a\nnot really"), "pas lisible"},
		{"unknown", "notes.pdf", []byte("just some text"), "ni un PDF"},
	}
	for _, c := range refused {
		t.Run(c.name, func(t *testing.T) {
			got, err := SniffEvidence(c.file, c.content)
			if err == nil {
				t.Fatalf("SniffEvidence(%s) accepted it as %q", c.file, got)
			}
			if !strings.Contains(err.Error(), c.says) || !strings.Contains(err.Error(), "« ") {
				t.Fatalf("message %q should name the file and say %q", err, c.says)
			}
		})
	}
}
