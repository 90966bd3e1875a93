package app

import (
	"github.com/parley-chat/parley/files"
	"github.com/parley-chat/parley/monitoring"
	"github.com/parley-chat/parley/server"
)

// openFiles prepares uploads: the URL signer (keyed from the node secret,
// so every node of a cluster signs alike), the transport's upload and
// download routes, the stored-bytes gauge and the orphan sweep, started
// here and stopped by Close. A store without files (none today) leaves
// the routes out.
func (m *Main) openFiles(secret []byte, reg *monitoring.Registry) (*files.Signer, *server.Files, error) {
	signer, err := files.NewSigner(secret, m.cfg.FileURLTTL)
	if err != nil {
		return nil, nil, err
	}
	if m.store.Files == nil || m.store.Blobs == nil {
		return signer, nil, nil
	}
	files.RegisterStoredBytes(reg, m.store.Files, nil, m.log)
	m.cleaner = files.NewCleaner(files.CleanerConfig{Files: m.store.Files, Blobs: m.store.Blobs, Logger: m.log, Metrics: reg})
	m.cleaner.Start()
	return signer, &server.Files{
		Files: m.store.Files, Blobs: m.store.Blobs, Messages: m.store.Messages,
		Signer: signer, MaxUploadBytes: m.cfg.MaxUploadBytes,
	}, nil
}
