// Package files holds what Parley does with uploads beside storing them:
// the signed, expiring URLs that let a browser fetch a file without its
// bearer token (Signer), the wire shape of a file with those URLs, and the
// removal of uploads never attached to a message (Cleaner).
package files
