package docs

import (
	"fmt"
	"image/color"

	"github.com/boombuler/barcode/qr"
	"github.com/go-pdf/fpdf"
)

// qrModules encodes content as a QR code (error correction M, which survives a crease or a
// stain) and returns its modules, true for dark, indexed [row][column].
func qrModules(content string) ([][]bool, error) {
	code, err := qr.Encode(content, qr.M, qr.Auto)
	if err != nil {
		return nil, fmt.Errorf("encode the QR code: %w", err)
	}
	b := code.Bounds()
	rows := make([][]bool, b.Dy())
	for y := range rows {
		rows[y] = make([]bool, b.Dx())
		for x := range rows[y] {
			g := color.GrayModel.Convert(code.At(b.Min.X+x, b.Min.Y+y)).(color.Gray)
			rows[y][x] = g.Y < 128
		}
	}
	return rows, nil
}

// drawQR draws the modules as vector rectangles filling a square of side size at (x, y),
// leaving the four-module quiet zone the standard asks for inside that square. Drawing
// rectangles rather than embedding a bitmap keeps the code sharp at any zoom or print
// resolution, and adjacent dark modules of a row are merged into one rectangle so that
// readers show no hairlines between them.
func drawQR(pdf *fpdf.Fpdf, modules [][]bool, x, y, size float64) {
	const quiet = 4
	n := len(modules)
	m := size / float64(n+2*quiet)
	pdf.SetFillColor(255, 255, 255)
	pdf.Rect(x, y, size, size, "F")
	pdf.SetFillColor(0, 0, 0)
	for r, row := range modules {
		for c := 0; c < len(row); {
			if !row[c] {
				c++
				continue
			}
			start := c
			for c < len(row) && row[c] {
				c++
			}
			pdf.Rect(x+float64(quiet+start)*m, y+float64(quiet+r)*m, float64(c-start)*m, m, "F")
		}
	}
}
