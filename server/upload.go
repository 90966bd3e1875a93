package server

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"path"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/labstack/echo/v4"

	"github.com/parley-chat/parley"
	"github.com/parley-chat/parley/media"
	"github.com/parley-chat/parley/rooms"
)

// multipartOverhead is what a request may carry besides the file: the
// multipart boundaries and part headers, and small fields a client adds.
const multipartOverhead = 64 << 10

// maxFileName bounds a stored file name, in bytes (what file systems
// accept).
const maxFileName = 255

// upload answers POST /api/rooms/:id/files: a multipart body whose field
// "file" is streamed into the blob store (never held in memory whole),
// typed by its bytes, measured and thumbnailed when it is an image, and
// recorded unattached. The answer carries the file with its signed URLs;
// message:send attaches it.
func (fs *fileServer) upload(c echo.Context) error {
	f, err := fs.receive(c)
	switch code := parley.CodeOf(err); {
	case err == nil:
		fs.uploads.WithLabelValues(uploadStored).Inc()
		fs.uploadedBytes.Add(float64(f.Size))
	case code == parley.CodeTooLarge:
		fs.uploads.WithLabelValues(uploadTooLarge).Inc()
		return err
	case code == parley.CodeInternal || code == parley.CodeUnavailable:
		fs.uploads.WithLabelValues(uploadFailed).Inc()
		return err
	default:
		fs.uploads.WithLabelValues(uploadRefused).Inc()
		return err
	}
	return c.JSON(http.StatusCreated, map[string]any{"file": fs.cfg.Signer.FileOf(*f)})
}

func (fs *fileServer) receive(c echo.Context) (*parley.File, error) {
	ctx, req, user := c.Request().Context(), c.Request(), caller(c)
	if err := fs.hub.Allow(ctx, user.ID, rooms.ClassWrite); err != nil {
		return nil, err
	}
	roomID, err := fs.hub.UploadRoom(ctx, user, c.Param("id"))
	if err != nil {
		return nil, err
	}
	limit := fs.cfg.MaxUploadBytes + multipartOverhead
	if req.ContentLength > limit {
		return nil, fs.tooLarge() // refused before a byte of it is read
	}
	fs.extendDeadlines(c)
	req.Body = http.MaxBytesReader(c.Response(), req.Body, limit)
	part, err := filePart(req)
	if err != nil {
		return nil, bodyTooLarge(err, fs.tooLarge())
	}
	defer part.Close()

	f := &parley.File{ID: parley.NewID(), RoomID: roomID, UploaderID: user.ID, Name: cleanFileName(part.FileName())}
	body := &capped{r: part, left: fs.cfg.MaxUploadBytes}
	br := bufio.NewReaderSize(body, media.SniffLen)
	head, err := br.Peek(media.SniffLen)
	if err != nil && !errors.Is(err, io.EOF) {
		return nil, bodyTooLarge(err, fs.tooLarge())
	}
	if len(head) == 0 {
		return nil, parley.Errorf(parley.CodeBadRequest, "the file is empty")
	}
	// The client's Content-Type is not asked: the bytes say what they are.
	f.ContentType = media.Sniff(head)
	if f.Size, err = fs.cfg.Blobs.Put(ctx, f.ID, br); err != nil {
		if body.over {
			return nil, fs.tooLarge()
		}
		return nil, bodyTooLarge(err, fs.tooLarge())
	}
	if media.InlineSafe(f.ContentType) {
		fs.describeImage(ctx, f)
	}
	if err := fs.cfg.Files.Create(ctx, f); err != nil {
		fs.removeBlobs(ctx, f)
		return nil, err
	}
	fs.log.InfoContext(ctx, "file uploaded", "file", f.ID, "room", f.RoomID, "user", user.ID, "bytes", f.Size, "type", f.ContentType)
	return f, nil
}

// humanBytes is a size as an operator wrote it.
func humanBytes(n int64) string {
	switch {
	case n%(1<<20) == 0:
		return strconv.FormatInt(n>>20, 10) + " MiB"
	case n%(1<<10) == 0:
		return strconv.FormatInt(n>>10, 10) + " KiB"
	}
	return strconv.FormatInt(n, 10) + " bytes"
}

func (fs *fileServer) tooLarge() error {
	return parley.Errorf(parley.CodeTooLarge, "the file is larger than %s", humanBytes(fs.cfg.MaxUploadBytes))
}

// bodyTooLarge words the body limit's error as TOO_LARGE; other errors
// pass.
func bodyTooLarge(err, tooLarge error) error {
	var mbe *http.MaxBytesError
	if errors.As(err, &mbe) {
		return tooLarge
	}
	return err
}

// filePart finds the part named "file" of a multipart/form-data body,
// skipping the others.
func filePart(req *http.Request) (*multipart.Part, error) {
	mt, _, err := mime.ParseMediaType(req.Header.Get(echo.HeaderContentType))
	if err != nil || mt != "multipart/form-data" {
		return nil, parley.Errorf(parley.CodeBadRequest, "the body must be multipart/form-data with the file in a field named file")
	}
	mr, err := req.MultipartReader()
	if err != nil {
		return nil, parley.Errorf(parley.CodeBadRequest, "malformed multipart body: %v", err)
	}
	for {
		p, err := mr.NextPart()
		if errors.Is(err, io.EOF) {
			return nil, parley.Errorf(parley.CodeBadRequest, "the body has no field named file")
		}
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return nil, err
		}
		if err != nil {
			return nil, parley.Errorf(parley.CodeBadRequest, "malformed multipart body: %v", err)
		}
		if p.FormName() == "file" {
			return p, nil
		}
		p.Close()
	}
}

// describeImage adds an image's size and stores its thumbnail. Neither is
// needed for the upload to succeed: a damaged image, or one too large to
// decode, is stored without them.
func (fs *fileServer) describeImage(ctx context.Context, f *parley.File) {
	blob, err := fs.cfg.Blobs.Open(ctx, f.ID)
	if err != nil {
		fs.log.WarnContext(ctx, "uploaded image could not be reopened; stored without a preview", "file", f.ID, "err", err)
		return
	}
	defer blob.Close()
	w, h, err := media.Probe(blob)
	if err != nil {
		fs.log.InfoContext(ctx, "uploaded image could not be measured; stored without a preview", "file", f.ID, "err", err)
		return
	}
	f.Width, f.Height = w, h
	if _, err := blob.Seek(0, io.SeekStart); err != nil {
		return
	}
	thumb, _, err := media.Thumbnail(blob, fs.cfg.ThumbSide)
	if err != nil {
		fs.log.InfoContext(ctx, "no preview for an uploaded image", "file", f.ID, "err", err)
		return
	}
	if _, err := fs.cfg.Blobs.Put(ctx, parley.ThumbKey(f.ID), bytes.NewReader(thumb)); err != nil {
		fs.log.WarnContext(ctx, "storing an image preview failed; stored without one", "file", f.ID, "err", err)
		return
	}
	f.HasThumb = true
}

// removeBlobs undoes the blobs of an upload that could not be recorded.
// A failure leaves blobs that no metadata names: logged, for the operator.
func (fs *fileServer) removeBlobs(ctx context.Context, f *parley.File) {
	// Even when the request was cancelled; its log attributes stay.
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
	defer cancel()
	for _, key := range []string{f.ID, parley.ThumbKey(f.ID)} {
		if err := fs.cfg.Blobs.Delete(ctx, key); err != nil {
			fs.log.ErrorContext(ctx, "removing the blob of a failed upload failed", "key", key, "err", err)
		}
	}
}

// capped reads at most left bytes of r; reading more fails and sets over,
// so a blob store that wraps the error without %w still tells the caller
// why.
type capped struct {
	r    io.Reader
	left int64
	over bool
}

var errCapped = parley.Errorf(parley.CodeTooLarge, "the file is too large")

func (c *capped) Read(p []byte) (int, error) {
	if c.left < 0 {
		c.over = true
		return 0, errCapped
	}
	// Read one byte past the cap, to tell "exactly the cap" from "over".
	if int64(len(p)) > c.left+1 {
		p = p[:c.left+1]
	}
	n, err := c.r.Read(p)
	c.left -= int64(n)
	if c.left < 0 {
		c.over = true
		return 0, errCapped
	}
	return n, err
}

// cleanFileName keeps the base name a browser sent, as valid UTF-8 without
// control characters, at most maxFileName bytes; "file" when nothing is
// left.
func cleanFileName(name string) string {
	name = strings.ToValidUTF8(name, "")
	name = path.Base(strings.ReplaceAll(name, `\`, "/"))
	name = strings.Map(func(r rune) rune {
		// Bidi controls could show "evil\u202Etxt.exe" as "evilexe.txt".
		if unicode.IsControl(r) || unicode.Is(unicode.Bidi_Control, r) || r == utf8.RuneError {
			return -1
		}
		return r
	}, name)
	name = strings.TrimSpace(name)
	for len(name) > maxFileName {
		_, size := utf8.DecodeLastRuneInString(name)
		name = name[:len(name)-size]
	}
	if name == "" || name == "." || name == ".." || name == "/" {
		return "file"
	}
	return name
}
