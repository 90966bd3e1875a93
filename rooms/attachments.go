package rooms

import (
	"context"
	"slices"
	"strings"

	"github.com/parley-chat/parley"
	"github.com/parley-chat/parley/protocol"
)

// FileSigner turns a stored upload into its wire shape, with URLs that
// work without a bearer token (package files signs them). The hub only
// projects; it never serves bytes.
type FileSigner interface {
	FileOf(f parley.File) protocol.File
}

// unsignedFiles is the projection of a hub built without a signer
// (tools, tests): the metadata without URLs.
type unsignedFiles struct{}

func (unsignedFiles) FileOf(f parley.File) protocol.File {
	return protocol.File{ID: f.ID, Room: f.RoomID, Name: f.Name, Size: f.Size, ContentType: f.ContentType, Width: f.Width, Height: f.Height}
}

// validAttachments checks the file ids of a send: at most
// parley.MaxAttachments, each a well-formed id, none twice. Whether they
// are the sender's unattached uploads to this room is the store's check,
// made in the append's transaction.
func validAttachments(ids []string) ([]string, error) {
	if len(ids) == 0 {
		return nil, nil
	}
	if len(ids) > parley.MaxAttachments {
		return nil, parley.Errorf(parley.CodeBadRequest, "a message carries at most %d attachments", parley.MaxAttachments)
	}
	out := make([]string, len(ids))
	for i, id := range ids {
		id = strings.TrimSpace(id)
		if err := checkMessageID(id); err != nil {
			return nil, parley.Errorf(parley.CodeBadRequest, "attachments[%d]: %s", i, parley.ErrorMessage(err))
		}
		if slices.Contains(out[:i], id) {
			return nil, parley.Errorf(parley.CodeBadRequest, "attachments[%d]: the same file is attached twice", i)
		}
		out[i] = id
	}
	return out, nil
}

// attachmentsRefused words the store's refusal of a message's
// attachments for the sender.
func attachmentsRefused(err error, attached bool) error {
	if attached && parley.CodeOf(err) == parley.CodeBadRequest {
		return parley.Errorf(parley.CodeBadRequest, "attachments must be files you uploaded to this room and have not attached to another message")
	}
	return err
}

// attach sets the attachments of wire messages from their stored
// messages, with one store read for all of them; a message without
// attachments costs nothing. Files the store no longer has are left out;
// the others keep the order the sender gave.
func (h *Hub) attach(ctx context.Context, msgs []parley.Message, wire []protocol.Message) error {
	var ids []string
	for _, m := range msgs {
		ids = append(ids, m.Attachments...)
	}
	if len(ids) == 0 {
		return nil
	}
	found, err := h.store.Files.ByIDs(ctx, ids)
	if err != nil {
		return err
	}
	byID := make(map[string]parley.File, len(found))
	for _, f := range found {
		byID[f.ID] = f
	}
	for i, m := range msgs {
		if len(m.Attachments) == 0 {
			continue
		}
		out := make([]protocol.File, 0, len(m.Attachments))
		for _, id := range m.Attachments {
			// A file is shown only on the message of its room that holds it.
			if f, ok := byID[id]; ok && f.RoomID == m.RoomID {
				out = append(out, h.files.FileOf(f))
			}
		}
		if len(out) > 0 {
			wire[i].Attachments = out
		}
	}
	return nil
}

// attachOne is attach for a single message.
func (h *Hub) attachOne(ctx context.Context, m parley.Message, wire protocol.Message) (protocol.Message, error) {
	if len(m.Attachments) == 0 {
		return wire, nil
	}
	out := []protocol.Message{wire}
	err := h.attach(ctx, []parley.Message{m}, out)
	return out[0], err
}

// UploadRoom checks that user may upload to roomID (its members may, with
// the errors of any other member-only action) and returns the room's id as
// stored.
func (h *Hub) UploadRoom(ctx context.Context, user parley.User, roomID string) (string, error) {
	ctx, cancel := h.ctx(ctx)
	defer cancel()
	m, err := h.member(ctx, user.ID, roomID)
	if err != nil {
		return "", err
	}
	return m.RoomID, nil
}
