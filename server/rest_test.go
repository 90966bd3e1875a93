package server_test

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"golang.org/x/crypto/bcrypt"

	"github.com/parley-chat/parley"
	"github.com/parley-chat/parley/accounts"
	"github.com/parley-chat/parley/files"
	"github.com/parley-chat/parley/monitoring"
	"github.com/parley-chat/parley/parleytest"
	"github.com/parley-chat/parley/rooms"
	"github.com/parley-chat/parley/server"
	"github.com/parley-chat/parley/store"
)

var secret = []byte("0123456789abcdef0123456789abcdef")

type testServer struct {
	t       *testing.T
	st      *store.Store
	hub     *rooms.Hub
	acc     *accounts.Accounts
	srv     *server.Server
	handler http.Handler
	reg     *monitoring.Registry
	signer  *files.Signer // its Now may be set
}

func newTestServer(t *testing.T, tweaks ...func(*server.Config)) *testServer {
	t.Helper()
	st := parleytest.Store(t)
	parleytest.Seed(t, st)
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	reg := monitoring.NewRegistry()
	sio := server.NewSocketServer(server.SocketOptions{Metrics: reg, Logger: log})
	signer, err := files.NewSigner(secret, time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	hub := rooms.New(rooms.Config{Store: st, Emitter: server.NewEmitter(sio, log), Files: signer, Metrics: reg, Logger: log})
	t.Cleanup(hub.Close)
	acc := accounts.New(accounts.Config{
		Users: st.Users, People: st.People, Services: st.Services, Revocations: st.Revocations, Welcomer: hub,
		Reserved: []string{"assistant"}, ReservedDisplayNames: []string{"Assistant"},
		Secret: secret, TokenTTL: time.Hour, BcryptCost: bcrypt.MinCost,
	})
	cfg := server.Config{
		Accounts: acc,
		Hub:      hub,
		IO:       sio,
		Ready:    st.Backend.Ping,
		Files:    &server.Files{Files: st.Files, Blobs: st.Blobs, Messages: st.Messages, Signer: signer},
		Metrics:  reg,
		Logger:   log,
	}
	for _, tweak := range tweaks {
		tweak(&cfg)
	}
	srv := server.New(cfg)
	t.Cleanup(srv.CloseSockets)
	return &testServer{t: t, st: st, hub: hub, acc: acc, srv: srv, handler: srv.Handler(), reg: reg, signer: signer}
}

type response struct {
	Status int
	Body   map[string]any
	Raw    string
	Header http.Header
}

// do sends a request; body may be a string (sent as is), an io.Reader
// (sent without a Content-Length) or a value marshalled to JSON.
func (s *testServer) do(method, path, token string, body any) response {
	s.t.Helper()
	var r io.Reader
	switch b := body.(type) {
	case nil:
	case string:
		r = strings.NewReader(b)
	case io.Reader:
		r = b
	default:
		j, err := json.Marshal(b)
		if err != nil {
			s.t.Fatal(err)
		}
		r = strings.NewReader(string(j))
	}
	req := httptest.NewRequest(method, path, r)
	if r != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	rec := httptest.NewRecorder()
	s.handler.ServeHTTP(rec, req)
	out := response{Status: rec.Code, Raw: rec.Body.String(), Header: rec.Header()}
	if strings.HasPrefix(rec.Header().Get("Content-Type"), "application/json") {
		if err := json.Unmarshal(rec.Body.Bytes(), &out.Body); err != nil {
			s.t.Fatalf("%s %s: response is not a JSON object: %v: %s", method, path, err, out.Raw)
		}
	}
	return out
}

// register creates an account and returns its token.
func (s *testServer) register(username, password string) string {
	s.t.Helper()
	res := s.do("POST", "/api/auth/register", "", map[string]string{"username": username, "password": password})
	if res.Status != http.StatusCreated {
		s.t.Fatalf("register %s: %d %s", username, res.Status, res.Raw)
	}
	tok, _ := res.Body["token"].(string)
	if tok == "" {
		s.t.Fatalf("register %s: no token in %s", username, res.Raw)
	}
	return tok
}

// wantError checks the REST error shape (docs/protocol.md §3.1), with the
// request id of the X-Request-Id header, and returns the message.
func wantError(t *testing.T, res response, status int, code parley.Code) string {
	t.Helper()
	if res.Status != status {
		t.Fatalf("status %d, want %d: %s", res.Status, status, res.Raw)
	}
	e, ok := res.Body["error"].(map[string]any)
	id, _ := res.Body["requestId"].(string)
	if !ok || len(res.Body) != 2 || id == "" || id != res.Header.Get("X-Request-Id") {
		t.Fatalf("body %s with X-Request-Id %q, want {error: {code, message}, requestId} with that id", res.Raw, res.Header.Get("X-Request-Id"))
	}
	msg, _ := e["message"].(string)
	if e["code"] != string(code) || msg == "" || len(e) != 2 {
		t.Fatalf("error %v, want code %s and a message", e, code)
	}
	return msg
}

// errorsTotal reads parley_errors_total{code}.
func (s *testServer) errorsTotal(code parley.Code) float64 {
	s.t.Helper()
	mfs, err := s.reg.Gatherer().Gather()
	if err != nil {
		s.t.Fatal(err)
	}
	for _, mf := range mfs {
		if mf.GetName() != "parley_errors_total" {
			continue
		}
		for _, m := range mf.GetMetric() {
			for _, l := range m.GetLabel() {
				if l.GetName() == "code" && l.GetValue() == string(code) {
					return m.GetCounter().GetValue()
				}
			}
		}
	}
	s.t.Fatalf("parley_errors_total{code=%q} is not exported", code)
	return 0
}

func TestRegisterThenMe(t *testing.T) {
	s := newTestServer(t)
	res := s.do("POST", "/api/auth/register", "", map[string]string{"username": "  Alice ", "password": "correct horse", "displayName": "Alice A."})
	if res.Status != http.StatusCreated {
		t.Fatalf("register: %d %s", res.Status, res.Raw)
	}
	user, _ := res.Body["user"].(map[string]any)
	if user["username"] != "alice" || user["displayName"] != "Alice A." || user["kind"] != "human" || user["id"] == "" {
		t.Errorf("user = %v", user)
	}
	if strings.Contains(strings.ToLower(res.Raw), "hash") || strings.Contains(res.Raw, "correct horse") {
		t.Errorf("register answer leaks the password: %s", res.Raw)
	}
	tok, _ := res.Body["token"].(string)

	me := s.do("GET", "/api/me", tok, nil)
	if me.Status != http.StatusOK {
		t.Fatalf("/api/me: %d %s", me.Status, me.Raw)
	}
	if got, _ := me.Body["user"].(map[string]any); got["id"] != user["id"] || got["username"] != "alice" {
		t.Errorf("/api/me user = %v, want %v", got, user)
	}

	// New users are in the default room.
	mine := s.do("GET", "/api/rooms", tok, nil)
	list, _ := mine.Body["rooms"].([]any)
	if mine.Status != http.StatusOK || len(list) != 1 || list[0].(map[string]any)["id"] != parley.DefaultRoomID {
		t.Errorf("/api/rooms = %d %s, want the general room", mine.Status, mine.Raw)
	}
	if list[0].(map[string]any)["unread"] != float64(0) {
		t.Errorf("general room without unread count: %v", list[0])
	}
}

func TestRegisterConflicts(t *testing.T) {
	s := newTestServer(t)
	s.register("alice", "password1")
	before := s.errorsTotal(parley.CodeConflict)
	for _, name := range []string{"alice", "ALICE", " Alice", "admin", "Parley"} {
		res := s.do("POST", "/api/auth/register", "", map[string]string{"username": name, "password": "password2"})
		wantError(t, res, http.StatusConflict, parley.CodeConflict)
	}
	if got := s.errorsTotal(parley.CodeConflict) - before; got != 5 {
		t.Errorf("errors_total{code=CONFLICT} grew by %v, want 5", got)
	}
	// The original account still logs in with its own password.
	if res := s.do("POST", "/api/auth/login", "", map[string]string{"username": "alice", "password": "password1"}); res.Status != http.StatusOK {
		t.Errorf("login after conflicts: %d %s", res.Status, res.Raw)
	}
}

func TestRegisterValidation(t *testing.T) {
	s := newTestServer(t)
	before := s.errorsTotal(parley.CodeBadRequest)
	for _, tt := range []struct {
		name, username, password string
	}{
		{"too short", "al", "password1"},
		{"too long", strings.Repeat("a", 33), "password1"},
		{"bad characters", "al ice!", "password1"},
		{"non-ASCII", "élise", "password1"},
		{"empty", "", "password1"},
		{"short password", "alice", "short"},
		{"password over 72 bytes", "alice", strings.Repeat("p", 73)},
	} {
		t.Run(tt.name, func(t *testing.T) {
			res := s.do("POST", "/api/auth/register", "", map[string]string{"username": tt.username, "password": tt.password})
			wantError(t, res, http.StatusBadRequest, parley.CodeBadRequest)
		})
	}
	if got := s.errorsTotal(parley.CodeBadRequest) - before; got != 7 {
		t.Errorf("errors_total{code=BAD_REQUEST} grew by %v, want 7", got)
	}
	// Nothing was created: the name is still free.
	s.register("alice", "password1")
}

func TestLogin(t *testing.T) {
	s := newTestServer(t)
	s.register("alice", "password1")

	ok := s.do("POST", "/api/auth/login", "", map[string]string{"username": "Alice", "password": "password1"})
	if ok.Status != http.StatusOK {
		t.Fatalf("login: %d %s", ok.Status, ok.Raw)
	}
	tok, _ := ok.Body["token"].(string)
	if me := s.do("GET", "/api/me", tok, nil); me.Status != http.StatusOK {
		t.Errorf("login token refused by /api/me: %d %s", me.Status, me.Raw)
	}

	before := s.errorsTotal(parley.CodeUnauthorized)
	wrong := wantError(t, s.do("POST", "/api/auth/login", "", map[string]string{"username": "alice", "password": "password2"}), http.StatusUnauthorized, parley.CodeUnauthorized)
	unknown := wantError(t, s.do("POST", "/api/auth/login", "", map[string]string{"username": "bob", "password": "password1"}), http.StatusUnauthorized, parley.CodeUnauthorized)
	if wrong != unknown {
		t.Errorf("wrong password says %q but unknown user %q: that reveals which usernames exist", wrong, unknown)
	}
	// The system account has no password and cannot log in.
	wantError(t, s.do("POST", "/api/auth/login", "", map[string]string{"username": "parley", "password": ""}), http.StatusUnauthorized, parley.CodeUnauthorized)
	if got := s.errorsTotal(parley.CodeUnauthorized) - before; got != 3 {
		t.Errorf("errors_total{code=UNAUTHORIZED} grew by %v, want 3", got)
	}
}

// bodyOfSize is a valid registration of username exactly n bytes long.
func bodyOfSize(t *testing.T, username string, n int) string {
	t.Helper()
	head := `{"username":"` + username + `","password":"password1","padding":"`
	tail := `"}`
	pad := n - len(head) - len(tail)
	if pad < 0 {
		t.Fatalf("cannot make a %d-byte body", n)
	}
	return head + strings.Repeat("x", pad) + tail
}

func TestBodyTooLarge(t *testing.T) {
	s := newTestServer(t)
	big := bodyOfSize(t, "alice", 64<<10+1)
	before := s.errorsTotal(parley.CodeTooLarge)
	// With a Content-Length...
	wantError(t, s.do("POST", "/api/auth/register", "", big), http.StatusRequestEntityTooLarge, parley.CodeTooLarge)
	// ...and streamed without one.
	wantError(t, s.do("POST", "/api/auth/register", "", io.MultiReader(strings.NewReader(big))), http.StatusRequestEntityTooLarge, parley.CodeTooLarge)
	if got := s.errorsTotal(parley.CodeTooLarge) - before; got != 2 {
		t.Errorf("errors_total{code=TOO_LARGE} grew by %v, want 2", got)
	}
	// Exactly 64 KiB is a normal request, streamed or not.
	if res := s.do("POST", "/api/auth/register", "", bodyOfSize(t, "alice", 64<<10)); res.Status != http.StatusCreated {
		t.Errorf("a body of exactly 64 KiB: %d %s", res.Status, res.Raw)
	}
	if res := s.do("POST", "/api/auth/register", "", io.MultiReader(strings.NewReader(bodyOfSize(t, "bob", 64<<10)))); res.Status != http.StatusCreated {
		t.Errorf("a streamed body of exactly 64 KiB: %d %s", res.Status, res.Raw)
	}
}

func TestMalformedJSON(t *testing.T) {
	s := newTestServer(t)
	for _, body := range []string{`{"username": "alice",`, `[]`, ``, `{"username": 5, "password": "password1"}`} {
		res := s.do("POST", "/api/auth/register", "", body)
		wantError(t, res, http.StatusBadRequest, parley.CodeBadRequest)
	}
	tok := s.register("alice", "password1")
	wantError(t, s.do("POST", "/api/rooms", tok, `{"name": `), http.StatusBadRequest, parley.CodeBadRequest)
	wantError(t, s.do("POST", "/api/rooms", tok, `{"name": "x", "private": "yes"}`), http.StatusBadRequest, parley.CodeBadRequest)
}

func TestAuthRequired(t *testing.T) {
	s := newTestServer(t)
	tok := s.register("alice", "password1")
	for _, auth := range []string{"", "Bearer", "Bearer not-a-token", "Basic YWxpY2U6cGFzc3dvcmQx", tok} {
		req := httptest.NewRequest("GET", "/api/rooms", nil)
		if auth != "" {
			req.Header.Set("Authorization", auth)
		}
		rec := httptest.NewRecorder()
		s.handler.ServeHTTP(rec, req)
		if rec.Code != http.StatusUnauthorized {
			t.Errorf("Authorization %q: status %d, want 401", auth, rec.Code)
		}
	}
	for _, path := range []string{"/api/me", "/api/rooms", "/api/rooms/public", "/api/rooms/general/messages"} {
		wantError(t, s.do("GET", path, "", nil), http.StatusUnauthorized, parley.CodeUnauthorized)
	}
	wantError(t, s.do("POST", "/api/rooms", "", map[string]any{"name": "x"}), http.StatusUnauthorized, parley.CodeUnauthorized)
	// A valid token of an account that does not exist (any more).
	ghost, _, err := s.acc.IssueToken("deleted-user")
	if err != nil {
		t.Fatal(err)
	}
	wantError(t, s.do("GET", "/api/me", ghost, nil), http.StatusUnauthorized, parley.CodeUnauthorized)
}

func TestNotFound(t *testing.T) {
	s := newTestServer(t)
	tok := s.register("alice", "password1")
	before := s.errorsTotal(parley.CodeNotFound)
	wantError(t, s.do("GET", "/api/nope", "", nil), http.StatusNotFound, parley.CodeNotFound)
	wantError(t, s.do("POST", "/api/auth/nope", "", `{}`), http.StatusNotFound, parley.CodeNotFound)
	wantError(t, s.do("GET", "/api/rooms/general/nope", tok, nil), http.StatusNotFound, parley.CodeNotFound)
	wantError(t, s.do("GET", "/no/such/page", "", nil), http.StatusNotFound, parley.CodeNotFound)
	if got := s.errorsTotal(parley.CodeNotFound) - before; got != 4 {
		t.Errorf("errors_total{code=NOT_FOUND} grew by %v, want 4", got)
	}
}

// A known path asked with the wrong method answers 405 with an Allow
// header, so a probe or a proxy can tell it from a malformed request.
func TestMethodNotAllowed(t *testing.T) {
	s := newTestServer(t)
	res := s.do("PUT", "/healthz", "", nil)
	wantError(t, res, http.StatusMethodNotAllowed, parley.CodeBadRequest)
	if allow := res.Header.Get("Allow"); !strings.Contains(allow, "GET") {
		t.Errorf("Allow = %q, want it to list GET", allow)
	}
}

func roomIDs(t *testing.T, res response) map[string]map[string]any {
	t.Helper()
	if res.Status != http.StatusOK {
		t.Fatalf("status %d: %s", res.Status, res.Raw)
	}
	out := map[string]map[string]any{}
	list, ok := res.Body["rooms"].([]any)
	if !ok {
		t.Fatalf("no rooms list in %s", res.Raw)
	}
	for _, r := range list {
		m := r.(map[string]any)
		out[m["name"].(string)] = m
	}
	return out
}

func TestCreateAndListRooms(t *testing.T) {
	s := newTestServer(t)
	alice := s.register("alice", "password1")
	bob := s.register("bob", "password1")

	res := s.do("POST", "/api/rooms", alice, map[string]any{"name": "Book club", "topic": "novels"})
	if res.Status != http.StatusCreated {
		t.Fatalf("create: %d %s", res.Status, res.Raw)
	}
	room, _ := res.Body["room"].(map[string]any)
	if room["name"] != "Book club" || room["topic"] != "novels" || room["private"] != false || room["kind"] != "group" || room["id"] == "" {
		t.Errorf("created room = %v", room)
	}
	if res := s.do("POST", "/api/rooms", alice, map[string]any{"name": "Secret", "private": true}); res.Status != http.StatusCreated {
		t.Fatalf("create private: %d %s", res.Status, res.Raw)
	}
	wantError(t, s.do("POST", "/api/rooms", alice, map[string]any{"name": "  "}), http.StatusBadRequest, parley.CodeBadRequest)

	public := roomIDs(t, s.do("GET", "/api/rooms/public", bob, nil))
	if public["Book club"] == nil || public["general"] == nil || public["Secret"] != nil || len(public) != 2 {
		t.Errorf("public rooms = %v, want general and Book club but not Secret", public)
	}
	mine := roomIDs(t, s.do("GET", "/api/rooms", alice, nil))
	if len(mine) != 3 || mine["Secret"]["role"] != "owner" || mine["Book club"]["role"] != "owner" {
		t.Errorf("alice's rooms = %v", mine)
	}
	if bobs := roomIDs(t, s.do("GET", "/api/rooms", bob, nil)); len(bobs) != 1 {
		t.Errorf("bob's rooms = %v, want only general", bobs)
	}

	// Messages: members only; private rooms do not exist for outsiders.
	id := room["id"].(string)
	secretID := mine["Secret"]["id"].(string)
	wantError(t, s.do("GET", "/api/rooms/"+id+"/messages", bob, nil), http.StatusForbidden, parley.CodeForbidden)
	wantError(t, s.do("GET", "/api/rooms/"+secretID+"/messages", bob, nil), http.StatusNotFound, parley.CodeNotFound)
	wantError(t, s.do("GET", "/api/rooms/nope/messages", bob, nil), http.StatusNotFound, parley.CodeNotFound)
}

func TestRoomMessages(t *testing.T) {
	s := newTestServer(t)
	tok := s.register("alice", "password1")
	alice, err := s.st.Users.ByUsername(context.Background(), "alice")
	if err != nil {
		t.Fatal(err)
	}
	for i, text := range []string{"one", "two", "three"} {
		if _, err := s.hub.Send(context.Background(), *alice, rooms.SendRequest{Room: parley.DefaultRoomID, Text: text, ClientMsgID: string(rune('a' + i))}, nil); err != nil {
			t.Fatal(err)
		}
	}
	res := s.do("GET", "/api/rooms/general/messages?limit=2", tok, nil)
	if res.Status != http.StatusOK {
		t.Fatalf("messages: %d %s", res.Status, res.Raw)
	}
	msgs, _ := res.Body["messages"].([]any)
	if len(msgs) != 2 || res.Body["hasMore"] != true {
		t.Fatalf("page = %s, want 2 messages and hasMore", res.Raw)
	}
	first := msgs[0].(map[string]any)
	if first["text"] != "two" || first["seq"] != float64(2) || first["sender"].(map[string]any)["username"] != "alice" {
		t.Errorf("first message = %v, want seq 2 'two' (oldest first)", first)
	}
	res = s.do("GET", "/api/rooms/general/messages?before=2", tok, nil)
	if msgs, _ := res.Body["messages"].([]any); len(msgs) != 1 || res.Body["hasMore"] != false {
		t.Errorf("before=2: %s", res.Raw)
	}

	before := s.errorsTotal(parley.CodeBadRequest)
	for _, q := range []string{"limit=abc", "before=xyz", "limit=1.5", "limit=-1", "before=-3"} {
		wantError(t, s.do("GET", "/api/rooms/general/messages?"+q, tok, nil), http.StatusBadRequest, parley.CodeBadRequest)
	}
	if got := s.errorsTotal(parley.CodeBadRequest) - before; got != 5 {
		t.Errorf("errors_total{code=BAD_REQUEST} grew by %v, want 5", got)
	}
}

func TestHealthAndReadiness(t *testing.T) {
	s := newTestServer(t)
	if res := s.do("GET", "/healthz", "", nil); res.Status != http.StatusOK {
		t.Errorf("/healthz: %d", res.Status)
	}
	if res := s.do("GET", "/readyz", "", nil); res.Status != http.StatusOK {
		t.Errorf("/readyz: %d %s", res.Status, res.Raw)
	}
	res := s.do("GET", "/metrics", "", nil)
	if res.Status != http.StatusOK || !strings.Contains(res.Raw, "parley_errors_total") || !strings.Contains(res.Raw, "parley_messages_received_total") {
		t.Errorf("/metrics: %d, missing parley metrics", res.Status)
	}

	s.hub.Close()
	_ = s.st.Backend.Close()
	wantError(t, s.do("GET", "/readyz", "", nil), http.StatusServiceUnavailable, parley.CodeUnavailable)
	if res := s.do("GET", "/healthz", "", nil); res.Status != http.StatusOK {
		t.Errorf("/healthz with the store down: %d, want 200 while the process runs", res.Status)
	}
}

// httpCount reads the number of requests parley_http_request_duration_seconds saw
// for route and status class.
func (s *testServer) httpCount(route, class string) uint64 {
	s.t.Helper()
	mfs, err := s.reg.Gatherer().Gather()
	if err != nil {
		s.t.Fatal(err)
	}
	for _, mf := range mfs {
		if mf.GetName() != "parley_http_request_duration_seconds" {
			continue
		}
		for _, m := range mf.GetMetric() {
			labels := map[string]string{}
			for _, l := range m.GetLabel() {
				labels[l.GetName()] = l.GetValue()
			}
			if labels["route"] == route && labels["status"] == class {
				return m.GetHistogram().GetSampleCount()
			}
		}
	}
	return 0
}

func TestHTTPMetricStatusClass(t *testing.T) {
	s := newTestServer(t)
	s.do("GET", "/no/such/page", "", nil)
	s.do("POST", "/api/auth/register", "", bodyOfSize(t, "alice", 64<<10+1))
	s.do("POST", "/api/auth/register", "", `{`)
	s.register("alice", "password1")
	for _, tt := range []struct {
		route, class string
		want         uint64
	}{
		{"unmatched", "4xx", 1},
		{"unmatched", "5xx", 0},
		{"/api/auth/register", "4xx", 2}, // oversized and malformed
		{"/api/auth/register", "2xx", 1},
		{"/api/auth/register", "5xx", 0},
	} {
		if got := s.httpCount(tt.route, tt.class); got != tt.want {
			t.Errorf("http_request_duration_seconds{route=%q,status=%q} count = %d, want %d", tt.route, tt.class, got, tt.want)
		}
	}
}
