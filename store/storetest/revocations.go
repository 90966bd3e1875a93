package storetest

import (
	"testing"
	"time"

	"github.com/parley-chat/parley"
	"github.com/parley-chat/parley/store"
)

var revocationTests = []test{
	{"Revocations/OneToken", testRevokeToken},
	{"Revocations/EveryTokenOfAUser", testRevokeUser},
	{"Revocations/SparingOneToken", testRevokeUserExcept},
	{"Revocations/SinceAndPurge", testRevocationsSincePurge},
	{"Revocations/BadRequest", testRevocationsBadRequest},
}

func revoked(t *testing.T, s *store.Store, userID, tokenID string, issued time.Time) bool {
	t.Helper()
	ok, err := s.Revocations.Revoked(ctx(t), userID, tokenID, issued)
	must(t, err)
	return ok
}

func testRevokeToken(t *testing.T, s *store.Store) {
	issued := baseTime.Add(-time.Hour)
	if revoked(t, s, "u1", "tok-a", issued) {
		t.Fatal("a token nobody revoked is revoked")
	}
	r := store.Revocation{UserID: "u1", TokenID: "tok-a", At: baseTime, Expires: baseTime.Add(time.Hour)}
	must(t, s.Revocations.Revoke(ctx(t), r))
	must(t, s.Revocations.Revoke(ctx(t), r)) // logging out twice is fine
	if !revoked(t, s, "u1", "tok-a", issued) {
		t.Fatal("the revoked token is not revoked")
	}
	if revoked(t, s, "u1", "tok-b", issued) {
		t.Fatal("revoking one token revoked another of the same user")
	}
	if revoked(t, s, "u2", "tok-a", issued) {
		t.Fatal("a token id revoked for one user is revoked for another")
	}
	got, err := s.Revocations.Since(ctx(t), baseTime)
	must(t, err)
	if len(got) != 1 || got[0] != r {
		t.Fatalf("Since = %+v, want just %+v", got, r)
	}
}

func testRevokeUser(t *testing.T, s *store.Store) {
	at := baseTime
	must(t, s.Revocations.Revoke(ctx(t), store.Revocation{UserID: "u1", At: at, Expires: at.Add(time.Hour)}))
	if !revoked(t, s, "u1", "old", at.Add(-time.Minute)) {
		t.Fatal("a token issued before the user-wide revocation is not revoked")
	}
	if !revoked(t, s, "u1", "same", at) {
		t.Fatal("a token issued at the revocation's instant is not revoked")
	}
	if revoked(t, s, "u1", "new", at.Add(time.Millisecond)) {
		t.Fatal("a token issued after the user-wide revocation is revoked")
	}
	if revoked(t, s, "u2", "old", at.Add(-time.Minute)) {
		t.Fatal("revoking one user's tokens revoked another's")
	}
	// A later revocation moves the cut-off forward; an older one arriving
	// late does not move it back.
	later := at.Add(time.Minute)
	must(t, s.Revocations.Revoke(ctx(t), store.Revocation{UserID: "u1", At: later, Expires: later.Add(time.Hour)}))
	must(t, s.Revocations.Revoke(ctx(t), store.Revocation{UserID: "u1", At: at, Expires: at.Add(time.Hour)}))
	if !revoked(t, s, "u1", "new", at.Add(time.Millisecond)) {
		t.Fatal("a second user-wide revocation did not cover the tokens issued since the first")
	}
	got, err := s.Revocations.Since(ctx(t), baseTime.Add(-time.Hour))
	must(t, err)
	want := store.Revocation{UserID: "u1", At: later, Expires: later.Add(time.Hour)}
	if len(got) != 1 || got[0] != want {
		t.Fatalf("Since = %+v, want the one user-wide record %+v", got, want)
	}
}

func testRevocationsSincePurge(t *testing.T, s *store.Store) {
	rs := []store.Revocation{
		{UserID: "u1", TokenID: "t1", At: baseTime, Expires: baseTime.Add(time.Minute)},
		{UserID: "u2", At: baseTime.Add(time.Second), Expires: baseTime.Add(time.Hour)},
		{UserID: "u1", TokenID: "t2", At: baseTime.Add(2 * time.Second), Expires: baseTime.Add(2 * time.Hour)},
	}
	for _, i := range []int{2, 0, 1} {
		must(t, s.Revocations.Revoke(ctx(t), rs[i]))
	}
	got, err := s.Revocations.Since(ctx(t), baseTime.Add(time.Second))
	must(t, err)
	if len(got) != 2 || got[0] != rs[1] || got[1] != rs[2] {
		t.Fatalf("Since(+1s) = %+v, want %+v, oldest first", got, rs[1:])
	}
	got, err = s.Revocations.Since(ctx(t), baseTime.Add(time.Hour))
	must(t, err)
	if len(got) != 0 {
		t.Fatalf("Since(later) = %+v, want none", got)
	}

	n, err := s.Revocations.Purge(ctx(t), baseTime.Add(time.Hour))
	must(t, err)
	if n != 1 {
		t.Fatalf("Purge deleted %d, want 1 (only t1 expired before then)", n)
	}
	if revoked(t, s, "u1", "t1", baseTime.Add(-time.Hour)) {
		t.Fatal("a purged revocation still revokes")
	}
	if !revoked(t, s, "u1", "t2", baseTime.Add(-time.Hour)) || !revoked(t, s, "u2", "x", baseTime) {
		t.Fatal("Purge deleted revocations that had not expired")
	}
	n, err = s.Revocations.Purge(ctx(t), baseTime.Add(3*time.Hour))
	must(t, err)
	if n != 2 {
		t.Fatalf("second Purge deleted %d, want 2", n)
	}
	got, err = s.Revocations.Since(ctx(t), time.Time{})
	must(t, err)
	if len(got) != 0 {
		t.Fatalf("after purging everything Since = %+v", got)
	}
}

func testRevocationsBadRequest(t *testing.T, s *store.Store) {
	for _, r := range []store.Revocation{
		{TokenID: "t", At: baseTime, Expires: baseTime},
		{UserID: "u", TokenID: "t", Expires: baseTime},
		{UserID: "u", TokenID: "t", At: baseTime},
		{UserID: "u", TokenID: "t", ExceptTokenID: "k", At: baseTime, Expires: baseTime},
	} {
		wantCode(t, s.Revocations.Revoke(ctx(t), r), parley.CodeBadRequest)
	}
	_, err := s.Revocations.Revoked(ctx(t), "", "t", baseTime)
	wantCode(t, err, parley.CodeBadRequest)
}

func testRevokeUserExcept(t *testing.T, s *store.Store) {
	at, issued := baseTime, baseTime.Add(-time.Minute)
	spare := store.Revocation{UserID: "u1", ExceptTokenID: "keep", At: at, Expires: at.Add(time.Hour)}
	must(t, s.Revocations.Revoke(ctx(t), spare))
	if revoked(t, s, "u1", "keep", issued) {
		t.Fatal("the spared token is revoked")
	}
	if !revoked(t, s, "u1", "other", issued) {
		t.Fatal("a token the revocation does not spare is not revoked")
	}
	if revoked(t, s, "u2", "other", issued) {
		t.Fatal("sparing a token revoked another user's")
	}
	got, err := s.Revocations.Since(ctx(t), at)
	must(t, err)
	if len(got) != 1 || got[0] != spare {
		t.Fatalf("Since = %+v, want %+v", got, spare)
	}

	// An older revocation arriving late changes neither the cut-off nor
	// the token spared.
	must(t, s.Revocations.Revoke(ctx(t), store.Revocation{UserID: "u1", At: at.Add(-time.Second), Expires: at.Add(time.Hour)}))
	if revoked(t, s, "u1", "keep", issued) {
		t.Fatal("an older revocation without exception took the spared token")
	}

	// A logout everywhere afterwards spares nothing, the spared token
	// included.
	later := at.Add(time.Minute)
	must(t, s.Revocations.Revoke(ctx(t), store.Revocation{UserID: "u1", At: later, Expires: later.Add(time.Hour)}))
	if !revoked(t, s, "u1", "keep", issued) {
		t.Fatal("a later user-wide revocation still spares the token an earlier one spared")
	}
	got, err = s.Revocations.Since(ctx(t), at)
	must(t, err)
	want := store.Revocation{UserID: "u1", At: later, Expires: later.Add(time.Hour)}
	if len(got) != 1 || got[0] != want {
		t.Fatalf("Since = %+v, want %+v", got, want)
	}

	// A later change made from another token spares that one instead.
	last := later.Add(time.Minute)
	must(t, s.Revocations.Revoke(ctx(t), store.Revocation{UserID: "u1", ExceptTokenID: "new", At: last, Expires: last.Add(time.Hour)}))
	if !revoked(t, s, "u1", "keep", issued) || revoked(t, s, "u1", "new", issued) {
		t.Fatal("the latest revocation's exception does not decide which token is spared")
	}
}
