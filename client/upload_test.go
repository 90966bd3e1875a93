package parleyclient_test

import (
	"bytes"
	"errors"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/parley-chat/parley"
	parleyclient "github.com/parley-chat/parley/client"
	"github.com/parley-chat/parley/client/clienttest"
	"github.com/parley-chat/parley/protocol"
)

func TestUploadAndAttach(t *testing.T) {
	srv := clienttest.Start(t, "PARLEY_MAX_UPLOAD_BYTES=1000")
	alice := dial(t, srv, register(t, srv, "alice").Token, parleyclient.Options{})

	f, err := alice.Upload(ctx(t), parley.DefaultRoomID, "notes.txt", strings.NewReader("plain words"))
	if err != nil {
		t.Fatal(err)
	}
	want := protocol.File{ID: f.ID, Room: parley.DefaultRoomID, Name: "notes.txt", Size: 11, ContentType: "text/plain; charset=utf-8", URL: f.URL}
	if f != want || !strings.HasPrefix(f.URL, "/api/files/"+f.ID+"?exp=") {
		t.Fatalf("uploaded %+v, want %+v with a signed URL", f, want)
	}
	m, err := alice.Send(ctx(t), parleyclient.SendRequest{Room: parley.DefaultRoomID, Attachments: []string{f.ID}})
	if err != nil {
		t.Fatal(err)
	}
	if len(m.Attachments) != 1 || m.Attachments[0] != f || m.Text != "" {
		t.Fatalf("sent %+v, want the file attached", m)
	}
	res, err := http.Get(srv.URL + f.URL)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if res.StatusCode != http.StatusOK || string(b) != "plain words" {
		t.Errorf("GET url: %d %q", res.StatusCode, b)
	}

	_, err = alice.Upload(ctx(t), parley.DefaultRoomID, "big.bin", bytes.NewReader(make([]byte, 1001)))
	var pe *parleyclient.Error
	if !errors.As(err, &pe) || pe.Code != parley.CodeTooLarge {
		t.Errorf("over the limit: %v, want a TOO_LARGE *Error", err)
	}
	_, err = alice.Upload(ctx(t), "no-such-room", "a.txt", strings.NewReader("x"))
	if !errors.As(err, &pe) || pe.Code != parley.CodeNotFound {
		t.Errorf("no such room: %v, want a NOT_FOUND *Error", err)
	}
}
