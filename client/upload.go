package parleyclient

import (
	"context"
	"io"
	"mime/multipart"
	"net/url"

	"github.com/parley-chat/parley/protocol"
)

// Upload streams what r yields to a room as a file named name and returns
// it, unattached: send it with SendRequest.Attachments. The server types
// it by its bytes and bounds its size (PARLEY_MAX_UPLOAD_BYTES, a
// TOO_LARGE *Error past it). The returned URLs are relative to the
// server's address and need no token. Upload is not bounded by
// Options.CallTimeout: ctx bounds it.
func (c *Client) Upload(ctx context.Context, room, name string, r io.Reader) (protocol.File, error) {
	pr, pw := io.Pipe()
	form := multipart.NewWriter(pw)
	go func() {
		part, err := form.CreateFormFile("file", name)
		if err == nil {
			_, err = io.Copy(part, r)
		}
		if err == nil {
			err = form.Close()
		}
		pw.CloseWithError(err)
	}()
	defer pr.Close() // ends the copy if the request ended first
	var body struct {
		File protocol.File `json:"file"`
	}
	err := post(ctx, c.opts.HTTPClient, c.baseURL, "/api/rooms/"+url.PathEscape(room)+"/files", c.currentToken(), form.FormDataContentType(), pr, &body)
	return body.File, err
}
