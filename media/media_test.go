package media_test

import (
	"bytes"
	_ "embed"
	"encoding/binary"
	"hash/crc32"
	"image"
	"image/color"
	"image/gif"
	"image/jpeg"
	"image/png"
	"strings"
	"testing"

	"golang.org/x/image/webp"

	"github.com/parley-chat/parley"
	"github.com/parley-chat/parley/media"
)

// tinyWebP is a real 75×100 lossless WebP (golang.org/x/image's
// testdata/gopher-doc.1bpp.lossless.webp).
//
//go:embed testdata/tiny.webp
var tinyWebP []byte

// solid is a w×h image of one colour.
func solid(w, h int, c color.NRGBA) *image.NRGBA {
	img := image.NewNRGBA(image.Rect(0, 0, w, h))
	for y := range h {
		for x := range w {
			img.SetNRGBA(x, y, c)
		}
	}
	return img
}

var red = color.NRGBA{R: 255, A: 255}

func pngBytes(t *testing.T, img image.Image) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func jpegBytes(t *testing.T, img image.Image) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := jpeg.Encode(&b, img, nil); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// gifBytes is a w×h GIF whose left half is transparent when transparent.
func gifBytes(t *testing.T, w, h int, transparent bool) []byte {
	t.Helper()
	pal := color.Palette{color.RGBA{R: 255, A: 255}, color.RGBA{}}
	img := image.NewPaletted(image.Rect(0, 0, w, h), pal)
	if transparent {
		for y := range h {
			for x := range w / 2 {
				img.SetColorIndex(x, y, 1)
			}
		}
	}
	var b bytes.Buffer
	if err := gif.Encode(&b, img, nil); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func TestSniff(t *testing.T) {
	for _, c := range []struct {
		name string
		head []byte
		want string
	}{
		{"png", pngBytes(t, solid(3, 2, red)), "image/png"},
		{"jpeg", jpegBytes(t, solid(3, 2, red)), "image/jpeg"},
		{"gif", gifBytes(t, 3, 2, false), "image/gif"},
		{"webp", tinyWebP, "image/webp"},
		{"html", []byte("<!DOCTYPE html><script>alert(1)</script>"), "text/html; charset=utf-8"},
		{"svg", []byte(`<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>`), "text/xml; charset=utf-8"},
		{"text", []byte("hello"), "text/plain; charset=utf-8"},
		{"binary", []byte{0, 1, 2, 3, 0xff}, "application/octet-stream"},
		{"nothing", nil, "text/plain; charset=utf-8"},
	} {
		if got := media.Sniff(c.head); got != c.want {
			t.Errorf("Sniff(%s) = %q, want %q", c.name, got, c.want)
		}
	}
}

func TestInlineSafe(t *testing.T) {
	for ct, want := range map[string]bool{
		"image/png": true, "image/jpeg": true, "image/gif": true, "image/webp": true,
		"image/svg+xml": false, "text/html; charset=utf-8": false, "text/xml; charset=utf-8": false,
		"application/pdf": false, "application/octet-stream": false, "": false, "image/png; x=1": false,
	} {
		if got := media.InlineSafe(ct); got != want {
			t.Errorf("InlineSafe(%q) = %v, want %v", ct, got, want)
		}
	}
}

func TestProbe(t *testing.T) {
	for _, c := range []struct {
		name string
		data []byte
		w, h int
	}{
		{"png", pngBytes(t, solid(30, 20, red)), 30, 20},
		{"jpeg", jpegBytes(t, solid(17, 9, red)), 17, 9},
		{"gif", gifBytes(t, 5, 7, false), 5, 7},
		{"webp", tinyWebP, 75, 100},
	} {
		w, h, err := media.Probe(bytes.NewReader(c.data))
		if err != nil || w != c.w || h != c.h {
			t.Errorf("Probe(%s) = %d×%d, %v; want %d×%d", c.name, w, h, err, c.w, c.h)
		}
	}
	for name, data := range map[string][]byte{
		"text":          []byte("just text"),
		"svg":           []byte(`<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"/>`),
		"truncated png": pngBytes(t, solid(30, 20, red))[:20],
	} {
		_, _, err := media.Probe(bytes.NewReader(data))
		if parley.CodeOf(err) != parley.CodeBadRequest {
			t.Errorf("Probe(%s) = %v, want BAD_REQUEST", name, err)
		}
	}
}

// decodeThumb checks the thumbnail's type and decodes it.
func decodeThumb(t *testing.T, data []byte, ct, wantCT string) image.Image {
	t.Helper()
	if ct != wantCT {
		t.Fatalf("thumbnail type %q, want %q", ct, wantCT)
	}
	if got := media.Sniff(data); got != ct {
		t.Fatalf("thumbnail bytes sniff as %q, labelled %q", got, ct)
	}
	img, _, err := image.Decode(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	return img
}

func wantSize(t *testing.T, img image.Image, w, h int) {
	t.Helper()
	if b := img.Bounds(); b.Dx() != w || b.Dy() != h {
		t.Fatalf("thumbnail is %d×%d, want %d×%d", b.Dx(), b.Dy(), w, h)
	}
}

// near reports that c is within tol of want in every channel.
func near(c color.Color, want color.NRGBA, tol int) bool {
	n := color.NRGBAModel.Convert(c).(color.NRGBA)
	d := func(a, b uint8) bool { return int(a)-int(b) <= tol && int(b)-int(a) <= tol }
	return d(n.R, want.R) && d(n.G, want.G) && d(n.B, want.B) && d(n.A, want.A)
}

func TestThumbnailOpaqueIsJPEG(t *testing.T) {
	for name, data := range map[string][]byte{
		"png":  pngBytes(t, solid(400, 200, red)),
		"jpeg": jpegBytes(t, solid(400, 200, red)),
		"gif":  gifBytes(t, 400, 200, false),
	} {
		t.Run(name, func(t *testing.T) {
			out, ct, err := media.Thumbnail(bytes.NewReader(data), 100)
			if err != nil {
				t.Fatal(err)
			}
			img := decodeThumb(t, out, ct, "image/jpeg")
			wantSize(t, img, 100, 50)
			if c := img.At(50, 25); !near(c, red, 8) {
				t.Fatalf("centre pixel %v, want red", c)
			}
		})
	}
}

func TestThumbnailKeepsTransparencyAsPNG(t *testing.T) {
	half := solid(40, 80, color.NRGBA{B: 255, A: 255})
	for y := range 80 {
		for x := range 20 {
			half.SetNRGBA(x, y, color.NRGBA{})
		}
	}
	for name, data := range map[string][]byte{
		"png": pngBytes(t, half),
		"gif": gifBytes(t, 40, 80, true),
	} {
		t.Run(name, func(t *testing.T) {
			out, ct, err := media.Thumbnail(bytes.NewReader(data), 20)
			if err != nil {
				t.Fatal(err)
			}
			img := decodeThumb(t, out, ct, "image/png")
			wantSize(t, img, 10, 20)
			if c := img.At(1, 10); !near(c, color.NRGBA{}, 0) {
				t.Fatalf("left pixel %v, want transparent", c)
			}
		})
	}
}

func TestThumbnailWebP(t *testing.T) {
	out, ct, err := media.Thumbnail(bytes.NewReader(tinyWebP), 50)
	if err != nil {
		t.Fatal(err)
	}
	src, err := webp.Decode(bytes.NewReader(tinyWebP))
	if err != nil {
		t.Fatal(err)
	}
	want := "image/jpeg"
	if o, ok := src.(interface{ Opaque() bool }); !ok || !o.Opaque() {
		want = "image/png"
	}
	wantSize(t, decodeThumb(t, out, ct, want), 37, 50) // 75×100 → 37.5×50
}

// A small image is re-encoded at its own size, never enlarged.
func TestThumbnailNeverEnlarges(t *testing.T) {
	out, ct, err := media.Thumbnail(bytes.NewReader(pngBytes(t, solid(30, 10, red))), 256)
	if err != nil {
		t.Fatal(err)
	}
	wantSize(t, decodeThumb(t, out, ct, "image/jpeg"), 30, 10)
}

// bomb is a valid PNG header claiming w×h pixels: a few bytes that would
// take w×h×4 bytes of memory to decode.
func bomb(t *testing.T, w, h uint32) []byte {
	t.Helper()
	b := pngBytes(t, solid(1, 1, red))
	// IHDR's data starts at byte 16 (8 signature, 4 length, 4 type);
	// width and height are its first 8 bytes, its CRC follows its 13.
	binary.BigEndian.PutUint32(b[16:], w)
	binary.BigEndian.PutUint32(b[20:], h)
	binary.BigEndian.PutUint32(b[29:], crc32.ChecksumIEEE(b[12:29]))
	return b
}

func TestThumbnailRefusesDecompressionBombs(t *testing.T) {
	data := bomb(t, 100_000, 100_000)
	if w, h, err := media.Probe(bytes.NewReader(data)); err != nil || w != 100_000 || h != 100_000 {
		t.Fatalf("Probe(bomb) = %d×%d, %v: the header should read as 100000×100000", w, h, err)
	}
	_, _, err := media.Thumbnail(bytes.NewReader(data), 100)
	if parley.CodeOf(err) != parley.CodeTooLarge || !strings.Contains(parley.ErrorMessage(err), "100000×100000") {
		t.Fatalf("Thumbnail(bomb) = %v, want TOO_LARGE naming its size", err)
	}
}

func TestThumbnailRefusesNonImages(t *testing.T) {
	for name, data := range map[string][]byte{
		"html":      []byte("<html><body>hi</body></html>"),
		"truncated": pngBytes(t, solid(30, 20, red))[:60],
	} {
		_, _, err := media.Thumbnail(bytes.NewReader(data), 100)
		if parley.CodeOf(err) != parley.CodeBadRequest {
			t.Errorf("Thumbnail(%s) = %v, want BAD_REQUEST", name, err)
		}
	}
}

// withOrientation inserts an EXIF segment saying orientation o right after
// a JPEG's start marker, in byte order bo ("MM" or "II").
func withOrientation(jpg []byte, o uint16, bo string) []byte {
	var order binary.AppendByteOrder = binary.BigEndian
	if bo == "II" {
		order = binary.LittleEndian
	}
	tiff := []byte(bo)
	tiff = order.AppendUint16(tiff, 42)
	tiff = order.AppendUint32(tiff, 8) // IFD0 right after the header
	tiff = order.AppendUint16(tiff, 2) // two entries: another tag, then orientation
	tiff = order.AppendUint16(tiff, 0x010F)
	tiff = order.AppendUint16(tiff, 2)
	tiff = order.AppendUint32(tiff, 4)
	tiff = append(tiff, 'A', 'C', 'M', 0)
	tiff = order.AppendUint16(tiff, 0x0112)
	tiff = order.AppendUint16(tiff, 3)
	tiff = order.AppendUint32(tiff, 1)
	tiff = order.AppendUint16(tiff, o)
	tiff = append(tiff, 0, 0)
	tiff = order.AppendUint32(tiff, 0)
	seg := append([]byte("Exif\x00\x00"), tiff...)
	app1 := binary.BigEndian.AppendUint16([]byte{0xFF, 0xE1}, uint16(len(seg)+2))
	app1 = append(app1, seg...)
	out := append([]byte{}, jpg[:2]...)
	out = append(out, app1...)
	return append(out, jpg[2:]...)
}

// halves is a 40×20 image, red on the left, blue on the right.
func halves() *image.NRGBA {
	img := solid(40, 20, red)
	for y := range 20 {
		for x := 20; x < 40; x++ {
			img.SetNRGBA(x, y, color.NRGBA{B: 255, A: 255})
		}
	}
	return img
}

// A photo is turned as its EXIF orientation says, as browsers show it.
func TestThumbnailFollowsEXIFOrientation(t *testing.T) {
	blue := color.NRGBA{B: 255, A: 255}
	for _, c := range []struct {
		o        uint16
		bo       string
		w, h     int
		at1, at2 image.Point // where red, then blue, must be
	}{
		{1, "MM", 40, 20, image.Pt(5, 10), image.Pt(35, 10)},
		{3, "II", 40, 20, image.Pt(35, 10), image.Pt(5, 10)}, // upside down: red on the right
		{6, "MM", 20, 40, image.Pt(10, 5), image.Pt(10, 35)}, // a quarter clockwise: left goes up
		{8, "II", 20, 40, image.Pt(10, 35), image.Pt(10, 5)}, // anticlockwise: left goes down
	} {
		data := withOrientation(jpegBytes(t, halves()), c.o, c.bo)
		w, h, err := media.Probe(bytes.NewReader(data))
		if err != nil || w != c.w || h != c.h {
			t.Errorf("orientation %d: Probe = %d×%d, %v; want %d×%d", c.o, w, h, err, c.w, c.h)
		}
		out, ct, err := media.Thumbnail(bytes.NewReader(data), 100)
		if err != nil {
			t.Fatal(err)
		}
		img := decodeThumb(t, out, ct, "image/jpeg")
		wantSize(t, img, c.w, c.h)
		if !near(img.At(c.at1.X, c.at1.Y), red, 40) || !near(img.At(c.at2.X, c.at2.Y), blue, 40) {
			t.Errorf("orientation %d: %v is %v and %v is %v, want red and blue", c.o,
				c.at1, img.At(c.at1.X, c.at1.Y), c.at2, img.At(c.at2.X, c.at2.Y))
		}
	}
}
