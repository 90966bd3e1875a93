// Package media looks at the bytes of uploads: what they are (Sniff),
// whether a browser may show them inline (InlineSafe), an image's size
// (Probe) and a small preview of it (Thumbnail). It is pure Go: PNG, JPEG,
// GIF and WebP are decoded by the standard library and golang.org/x/image.
//
// The decoders are called directly, picked by sniffing, rather than
// through image.Decode: that depends on no package's init registering a
// format, and decodes only the formats this package vouches for.
package media

import (
	"bufio"
	"bytes"
	"fmt"
	"image"
	"image/gif"
	"image/jpeg"
	"image/png"
	"io"
	"net/http"
	"strings"

	"golang.org/x/image/webp"

	"github.com/parley-chat/parley"
)

// SniffLen is how many leading bytes Sniff looks at.
const SniffLen = 512

// MaxPixels bounds width×height of an image Thumbnail decodes: a few
// kilobytes of PNG can claim to be 100000×100000 pixels and would take
// 40 GB to decode (a decompression bomb). 50 megapixels covers any camera.
const MaxPixels = 50_000_000

// Sniff returns the content type of a file from its first bytes (up to
// SniffLen; more are ignored), as net/http.DetectContentType does. Images
// come back without parameters ("image/png"); text keeps its charset.
// Anything unrecognised is "application/octet-stream".
func Sniff(head []byte) string {
	ct := http.DetectContentType(head)
	if strings.HasPrefix(ct, "image/") {
		ct, _, _ = strings.Cut(ct, ";")
		ct = strings.TrimSpace(ct)
	}
	return ct
}

// InlineSafe reports whether a browser may render contentType inline from
// Parley's origin: only the raster images it decodes itself. SVG and HTML
// can carry script, so they (and everything else) are served as downloads.
func InlineSafe(contentType string) bool {
	switch contentType {
	case "image/png", "image/jpeg", "image/gif", "image/webp":
		return true
	}
	return false
}

// format is one image codec this package reads.
type format struct {
	decode       func(io.Reader) (image.Image, error)
	decodeConfig func(io.Reader) (image.Config, error)
	exif         bool // may carry an EXIF orientation that browsers apply
}

var formats = map[string]format{
	"image/png":  {png.Decode, png.DecodeConfig, false},
	"image/jpeg": {jpeg.Decode, jpeg.DecodeConfig, true},
	"image/gif":  {gif.Decode, gif.DecodeConfig, false},
	"image/webp": {webp.Decode, webp.DecodeConfig, false},
}

// ErrNotImage: the bytes are not a PNG, JPEG, GIF or WebP image.
var ErrNotImage = &parley.Error{Code: parley.CodeBadRequest, Message: "not a PNG, JPEG, GIF or WebP image"}

// sniffFormat peeks at r's first bytes and returns the codec for them and a
// reader that still yields every byte of r.
func sniffFormat(r io.Reader) (format, *bufio.Reader, error) {
	br := bufio.NewReaderSize(r, SniffLen)
	head, err := br.Peek(SniffLen)
	if err != nil && err != io.EOF && err != bufio.ErrBufferFull {
		return format{}, nil, fmt.Errorf("media: read: %w", err)
	}
	f, ok := formats[Sniff(head)]
	if !ok {
		return format{}, nil, ErrNotImage
	}
	return f, br, nil
}

// Probe returns an image's width and height as a browser shows it (a JPEG
// whose EXIF says to turn it a quarter has them exchanged), from its
// header, without decoding the pixels. ErrNotImage (BAD_REQUEST) for
// anything but a PNG, JPEG, GIF or WebP image, or a damaged one.
func Probe(r io.Reader) (w, h int, err error) {
	f, br, err := sniffFormat(r)
	if err != nil {
		return 0, 0, err
	}
	var seen bytes.Buffer
	cfg, err := f.decodeConfig(io.TeeReader(br, &seen))
	if err != nil {
		return 0, 0, &parley.Error{Code: parley.CodeBadRequest, Message: ErrNotImage.Message, Err: err}
	}
	if f.exif && swapsSides(jpegOrientation(seen.Bytes())) {
		return cfg.Height, cfg.Width, nil
	}
	return cfg.Width, cfg.Height, nil
}

// Thumbnail decodes the image r yields and scales it to fit within
// side×side pixels, keeping its aspect ratio and never enlarging it, and
// turns it as its EXIF orientation says (JPEG only), as browsers do. It
// returns JPEG, or PNG when the image has transparency that JPEG would
// lose. ErrNotImage for what it cannot read; TOO_LARGE for an image of
// more than MaxPixels pixels, which it refuses to decode.
func Thumbnail(r io.Reader, side int) (data []byte, contentType string, err error) {
	if side <= 0 {
		return nil, "", fmt.Errorf("media: thumbnail size %d must be positive", side)
	}
	f, br, err := sniffFormat(r)
	if err != nil {
		return nil, "", err
	}
	// Read the header first and keep the bytes it consumed, so the full
	// decode starts from the beginning without reading r twice.
	var seen bytes.Buffer
	cfg, err := f.decodeConfig(io.TeeReader(br, &seen))
	if err != nil {
		return nil, "", &parley.Error{Code: parley.CodeBadRequest, Message: ErrNotImage.Message, Err: err}
	}
	if cfg.Width <= 0 || cfg.Height <= 0 {
		return nil, "", ErrNotImage
	}
	if int64(cfg.Width)*int64(cfg.Height) > MaxPixels {
		return nil, "", parley.Errorf(parley.CodeTooLarge,
			"the image is %d×%d pixels; images over %d megapixels get no preview", cfg.Width, cfg.Height, MaxPixels/1_000_000)
	}
	orientation := 1
	if f.exif {
		orientation = jpegOrientation(seen.Bytes())
	}
	src, err := f.decode(io.MultiReader(&seen, br))
	if err != nil {
		return nil, "", &parley.Error{Code: parley.CodeBadRequest, Message: ErrNotImage.Message, Err: err}
	}
	w, h := fit(src.Bounds().Dx(), src.Bounds().Dy(), side)
	dst := image.NewRGBA(image.Rect(0, 0, w, h))
	scale(dst, src)
	dst = orient(dst, orientation)

	var out bytes.Buffer
	if opaque(src) {
		err, contentType = jpeg.Encode(&out, dst, &jpeg.Options{Quality: 85}), "image/jpeg"
	} else {
		enc := png.Encoder{CompressionLevel: png.BestSpeed}
		err, contentType = enc.Encode(&out, dst), "image/png"
	}
	if err != nil {
		return nil, "", fmt.Errorf("media: encode thumbnail: %w", err)
	}
	return out.Bytes(), contentType, nil
}

// fit is the size of a w×h image scaled down to fit within side×side.
func fit(w, h, side int) (int, int) {
	if w <= side && h <= side {
		return w, h
	}
	if w >= h {
		return side, clampMin1(h * side / w)
	}
	return clampMin1(w * side / h), side
}

func clampMin1(n int) int {
	if n < 1 {
		return 1
	}
	return n
}

// opaque reports that no pixel of img is transparent. Decoded images all
// have an Opaque method; anything else is treated as transparent, which
// costs only a PNG instead of a JPEG.
func opaque(img image.Image) bool {
	o, ok := img.(interface{ Opaque() bool })
	return ok && o.Opaque()
}
