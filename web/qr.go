package web

import (
	"bytes"
	"errors"
	"image"
	"image/color"
	"image/png"

	"github.com/boombuler/barcode/qr"
)

// QR sizes in pixels (QRPNG keeps the result within size, rounding down to whole pixels per module).
const (
	qrMinSize     = 64
	qrMaxSize     = 2048
	qrQuietZone   = 4 // modules of white border the QR standard asks for
	qrDefaultSize = 360
)

// QRPNG renders text as a black-on-white QR code PNG (error correction M) of at most size×size pixels,
// with the standard 4-module quiet zone and every module a whole number of pixels, so phones read it easily.
// It needs no HTTP: the admin pages use it for enrolment codes, the link pages for /r/{token}/qr.png.
func QRPNG(text string, size int) ([]byte, error) {
	if text == "" {
		return nil, errors.New("qr: empty text")
	}
	if size < qrMinSize || size > qrMaxSize {
		return nil, errors.New("qr: size must be between 64 and 2048 pixels")
	}
	code, err := qr.Encode(text, qr.M, qr.Auto)
	if err != nil {
		return nil, err
	}
	modules := code.Bounds().Dx()
	total := modules + 2*qrQuietZone
	scale := max(size/total, 1)
	px := total * scale
	img := image.NewPaletted(image.Rect(0, 0, px, px), color.Palette{color.White, color.Black})
	for y := 0; y < modules; y++ {
		for x := 0; x < modules; x++ {
			if r, _, _, _ := code.At(x, y).RGBA(); r != 0 {
				continue
			}
			x0, y0 := (x+qrQuietZone)*scale, (y+qrQuietZone)*scale
			for dy := 0; dy < scale; dy++ {
				row := img.Pix[(y0+dy)*img.Stride+x0:]
				for dx := 0; dx < scale; dx++ {
					row[dx] = 1
				}
			}
		}
	}
	var buf bytes.Buffer
	enc := png.Encoder{CompressionLevel: png.BestCompression}
	if err := enc.Encode(&buf, img); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}
