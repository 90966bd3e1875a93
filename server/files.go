package server

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/parley-chat/parley"
	"github.com/parley-chat/parley/files"
	"github.com/parley-chat/parley/media"
	"github.com/parley-chat/parley/monitoring"
	"github.com/parley-chat/parley/rooms"
	"github.com/parley-chat/parley/store"
)

// DefaultMaxUploadBytes is PARLEY_MAX_UPLOAD_BYTES's default: 25 MiB.
const DefaultMaxUploadBytes = 25 << 20

// Files is what the node needs to take uploads and serve them back.
type Files struct {
	Files    store.Files
	Blobs    store.Blobs
	Messages store.Messages // serving checks the message a file is on
	Signer   *files.Signer
	// MaxUploadBytes bounds one file (DefaultMaxUploadBytes).
	MaxUploadBytes int64
	// ThumbSide is the side of the square thumbnails fit in (320).
	ThumbSide int
	// Transfer bounds one upload or download from its headers to its
	// last byte (10m), instead of the listener's read and write
	// timeouts, which are set for API calls and long-polls.
	Transfer time.Duration
}

// fileServer takes uploads and serves them.
type fileServer struct {
	cfg Files
	hub *rooms.Hub
	log *slog.Logger

	uploadedBytes prometheus.Counter
	uploads       *prometheus.CounterVec
}

// The outcomes of an upload, for parley_uploads_total.
const (
	uploadStored   = "stored"
	uploadTooLarge = "too_large"
	uploadRefused  = "refused" // not a member, a malformed request
	uploadFailed   = "failed"  // the store failed
)

func newFileServer(cfg Files, hub *rooms.Hub, log *slog.Logger, reg *monitoring.Registry) *fileServer {
	if cfg.MaxUploadBytes <= 0 {
		cfg.MaxUploadBytes = DefaultMaxUploadBytes
	}
	if cfg.ThumbSide <= 0 {
		cfg.ThumbSide = 320
	}
	if cfg.Transfer <= 0 {
		cfg.Transfer = 10 * time.Minute
	}
	fs := &fileServer{
		cfg: cfg, hub: hub, log: log,
		uploadedBytes: reg.Counter("upload_bytes_total", "Bytes of files stored by uploads (thumbnails not counted)."),
		uploads:       reg.CounterVec("uploads_total", "Uploads by outcome: stored, too_large, refused (not a member, a malformed request) or failed.", "outcome"),
	}
	for _, o := range []string{uploadStored, uploadTooLarge, uploadRefused, uploadFailed} {
		fs.uploads.WithLabelValues(o)
	}
	return fs
}

// extendDeadlines gives a transfer of file bytes its own time: the
// listener's timeouts would cut a large upload or download on a slow
// link. Servers that cannot (httptest recorders) keep theirs.
func (fs *fileServer) extendDeadlines(c echo.Context) {
	rc := http.NewResponseController(c.Response().Writer)
	deadline := time.Now().Add(fs.cfg.Transfer)
	_ = rc.SetReadDeadline(deadline)
	_ = rc.SetWriteDeadline(deadline)
}

// serve answers GET /api/files/:id and /api/files/:id/thumb. The signed
// query is the capability: no bearer token, so that <img src> and plain
// downloads work. The signature is checked before anything is read, so an
// unsigned request learns nothing, not even whether the file exists.
func (fs *fileServer) serve(v files.Variant) echo.HandlerFunc {
	return func(c echo.Context) error {
		id := c.Param("id")
		exp, err := fs.cfg.Signer.Check(id, v, c.QueryParam("exp"), c.QueryParam("sig"))
		if err != nil {
			return err
		}
		ctx := c.Request().Context()
		f, err := fs.servable(ctx, id)
		if err != nil {
			return err
		}
		key, contentType := f.ID, f.ContentType
		if v == files.Thumb {
			if !f.HasThumb {
				return fileNotFound()
			}
			key = parley.ThumbKey(f.ID)
		}
		blob, err := fs.cfg.Blobs.Open(ctx, key)
		if parley.CodeOf(err) == parley.CodeNotFound {
			return fileNotFound() // removed by the orphan sweep meanwhile
		}
		if err != nil {
			return err
		}
		defer blob.Close()
		if v == files.Thumb {
			if contentType, err = sniffBlob(blob); err != nil {
				return err
			}
		}
		fs.extendDeadlines(c)
		h := c.Response().Header()
		h.Set(echo.HeaderContentType, contentType)
		h.Set(echo.HeaderXContentTypeOptions, "nosniff")
		// Opened as a page (a download link pasted in the address bar),
		// the file runs nothing and reaches nothing.
		h.Set(echo.HeaderContentSecurityPolicy, "default-src 'none'; sandbox")
		h.Set(echo.HeaderContentDisposition, disposition(media.InlineSafe(contentType), f.Name))
		h.Set("Cache-Control", "private, max-age="+strconv.FormatInt(maxAge(exp, fs.cfg.Signer.Now()), 10))
		// Stored bytes never change under an id: the id is a strong ETag.
		h.Set("ETag", `"`+key+`"`)
		http.ServeContent(c.Response(), c.Request(), "", f.CreatedAt, blob)
		return nil
	}
}

// servable loads a file that may be served: one not attached yet (its
// uploader previews it), or attached to a message that was not deleted.
func (fs *fileServer) servable(ctx context.Context, id string) (*parley.File, error) {
	f, err := fs.cfg.Files.Get(ctx, id)
	if parley.CodeOf(err) == parley.CodeNotFound {
		return nil, fileNotFound()
	}
	if err != nil {
		return nil, err
	}
	if f.MessageID == "" {
		return f, nil
	}
	m, err := fs.cfg.Messages.Get(ctx, f.RoomID, f.MessageID)
	if parley.CodeOf(err) == parley.CodeNotFound || (err == nil && m.Deleted) {
		return nil, fileNotFound()
	}
	if err != nil {
		return nil, err
	}
	return f, nil
}

func fileNotFound() error { return parley.Errorf(parley.CodeNotFound, "file not found") }

// sniffBlob is the content type of a blob from its first bytes, with the
// blob rewound.
func sniffBlob(b store.Blob) (string, error) {
	head := make([]byte, media.SniffLen)
	n, err := io.ReadFull(b, head)
	if err != nil && !errors.Is(err, io.EOF) && !errors.Is(err, io.ErrUnexpectedEOF) {
		return "", err
	}
	if _, err := b.Seek(0, io.SeekStart); err != nil {
		return "", err
	}
	return media.Sniff(head[:n]), nil
}

// maxAge is how long a browser may keep a response: never past the
// expiry of the URL that fetched it.
func maxAge(exp, now time.Time) int64 {
	return max(int64(exp.Sub(now)/time.Second), 0)
}

// disposition is the Content-Disposition of a file: inline only for the
// raster images a browser shows as images; everything else downloads.
// The name goes in RFC 5987 form, so any UTF-8 name survives and no quote
// or semicolon in it can add a parameter.
func disposition(inline bool, name string) string {
	kind := "attachment"
	if inline {
		kind = "inline"
	}
	return kind + "; filename*=UTF-8''" + rfc5987(name)
}

// rfc5987 percent-encodes everything but RFC 5987's attr-char.
func rfc5987(s string) string {
	const hex = "0123456789ABCDEF"
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9',
			strings.IndexByte("!#$&+-.^_`|~", c) >= 0:
			b.WriteByte(c)
		default:
			b.WriteByte('%')
			b.WriteByte(hex[c>>4])
			b.WriteByte(hex[c&15])
		}
	}
	return b.String()
}
