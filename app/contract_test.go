package app

// The protocol contract (docs/protocol.md, api/openapi.yaml,
// api/asyncapi.yaml) checked against a running node: real REST requests
// and real Socket.IO traffic, every answer and every event validated
// against the documents, and the documents checked against the routes and
// event names the code registers, so neither side can drift alone.

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"image"
	"image/color"
	"image/png"
	"io"
	"mime/multipart"
	"net/http"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
	"github.com/getkin/kin-openapi/routers/gorillamux"
	"github.com/labstack/echo/v4"
	"github.com/santhosh-tekuri/jsonschema/v6"
	"go.yaml.in/yaml/v3"

	"github.com/parley-chat/parley"
	apidoc "github.com/parley-chat/parley/api"
	"github.com/parley-chat/parley/assistant/assistanttest"
)

// asyncURL names asyncapi.yaml inside the JSON Schema compiler, so that
// errors point into the document by JSON pointer.
const asyncURL = "file:///api/asyncapi.yaml"

// contract is the two documents, loaded for validation, and a record of
// what the traffic exercised.
type contract struct {
	t       *testing.T
	openapi *openapi3.T
	router  routers.Router
	// asyncTree is asyncapi.yaml as plain JSON values.
	asyncTree map[string]any
	compiler  *jsonschema.Compiler

	mu      sync.Mutex
	schemas map[string]*jsonschema.Schema // by location in asyncapi.yaml
	// clientEvents and serverEvents map event names to their operation.
	clientEvents map[string]asyncOp
	serverEvents map[string]asyncOp
	// seen records what the traffic validated: "GET /api/me 200",
	// "ack room:join ok", "event presence".
	seen map[string]int
}

// asyncOp is an operation of asyncapi.yaml: where its message's payload
// schema is and, for acknowledged events, where the reply's is.
type asyncOp struct {
	id      string
	payload string // JSON pointer
	reply   string // JSON pointer; "" without a reply
}

func loadContract(t *testing.T) *contract {
	t.Helper()
	c := &contract{t: t, schemas: map[string]*jsonschema.Schema{}, seen: map[string]int{},
		clientEvents: map[string]asyncOp{}, serverEvents: map[string]asyncOp{}}

	loader := openapi3.NewLoader()
	doc, err := loader.LoadFromData(apidoc.OpenAPI())
	if err != nil {
		t.Fatalf("api/openapi.yaml does not load: %v", err)
	}
	if err := doc.Validate(context.Background()); err != nil {
		t.Fatalf("api/openapi.yaml is not a valid OpenAPI document: %v", err)
	}
	c.openapi = doc

	c.asyncTree = yamlAsJSON(t, "api/asyncapi.yaml", apidoc.AsyncAPI())
	c.compiler = jsonschema.NewCompiler()
	// AsyncAPI 3.0 schemas are a superset of JSON Schema draft 7.
	c.compiler.DefaultDraft(jsonschema.Draft7)
	c.compiler.AssertFormat()
	if err := c.compiler.AddResource(asyncURL, c.asyncTree); err != nil {
		t.Fatalf("asyncapi.yaml: %v", err)
	}
	ops, _ := c.asyncTree["operations"].(map[string]any)
	if len(ops) == 0 {
		t.Fatal("asyncapi.yaml has no operations")
	}
	for id, raw := range ops {
		op, _ := raw.(map[string]any)
		msgs, _ := op["messages"].([]any)
		if len(msgs) != 1 {
			t.Fatalf("asyncapi.yaml operation %s: want exactly one message, got %d", id, len(msgs))
		}
		msg, at := c.resolve(msgs[0], "/operations/"+id+"/messages/0")
		name, _ := msg["name"].(string)
		o := asyncOp{id: id, payload: at + "/payload"}
		if reply, ok := op["reply"].(map[string]any); ok {
			rmsgs, _ := reply["messages"].([]any)
			if len(rmsgs) != 1 {
				t.Fatalf("asyncapi.yaml operation %s: the reply needs exactly one message", id)
			}
			_, rat := c.resolve(rmsgs[0], "/operations/"+id+"/reply/messages/0")
			o.reply = rat + "/payload"
		}
		events := c.serverEvents
		if op["action"] == "receive" {
			events = c.clientEvents
		}
		if name == "" {
			t.Fatalf("asyncapi.yaml operation %s: its message has no name (the event name)", id)
		}
		if prev, dup := events[name]; dup {
			t.Fatalf("asyncapi.yaml: event %q is described by both %s and %s", name, prev.id, id)
		}
		events[name] = o
	}
	// Compile every schema now, so a broken one fails here even if no
	// traffic reaches it.
	for _, events := range []map[string]asyncOp{c.clientEvents, c.serverEvents} {
		for _, o := range events {
			c.schema(t, o.payload)
			if o.reply != "" {
				c.schema(t, o.reply)
			}
		}
	}
	return c
}

// yamlAsJSON decodes a YAML document into the values encoding/json would
// make of the same document (json.Number for numbers), which is what the
// schema compiler expects.
func yamlAsJSON(t *testing.T, name string, doc []byte) map[string]any {
	t.Helper()
	var v any
	if err := yaml.Unmarshal(doc, &v); err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	out, err := jsonschema.UnmarshalJSON(bytes.NewReader(b))
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	m, ok := out.(map[string]any)
	if !ok {
		t.Fatalf("%s is not a mapping", name)
	}
	return m
}

// resolve follows local $refs from node (found at pointer at) and returns
// the object they lead to and its pointer.
func (c *contract) resolve(node any, at string) (map[string]any, string) {
	c.t.Helper()
	for range 10 {
		m, ok := node.(map[string]any)
		if !ok {
			c.t.Fatalf("asyncapi.yaml#%s is not an object", at)
		}
		ref, ok := m["$ref"].(string)
		if !ok {
			return m, at
		}
		ptr, local := strings.CutPrefix(ref, "#")
		if !local {
			c.t.Fatalf("asyncapi.yaml#%s: only local $refs are supported, got %q", at, ref)
		}
		node, at = c.lookup(ptr), ptr
	}
	c.t.Fatalf("asyncapi.yaml#%s: $ref chain too long", at)
	return nil, ""
}

func (c *contract) lookup(ptr string) any {
	c.t.Helper()
	var node any = c.asyncTree
	for _, tok := range strings.Split(strings.TrimPrefix(ptr, "/"), "/") {
		tok = strings.ReplaceAll(strings.ReplaceAll(tok, "~1", "/"), "~0", "~")
		switch n := node.(type) {
		case map[string]any:
			node = n[tok]
		case []any:
			i, err := strconv.Atoi(tok)
			if err != nil || i < 0 || i >= len(n) {
				node = nil
			} else {
				node = n[i]
			}
		default:
			node = nil
		}
		if node == nil {
			c.t.Fatalf("asyncapi.yaml: $ref #%s leads nowhere", ptr)
		}
	}
	return node
}

func (c *contract) schema(t *testing.T, loc string) *jsonschema.Schema {
	t.Helper()
	c.mu.Lock()
	defer c.mu.Unlock()
	if s, ok := c.schemas[loc]; ok {
		return s
	}
	s, err := c.compiler.Compile(asyncURL + "#" + loc)
	if err != nil {
		t.Fatalf("asyncapi.yaml#%s does not compile: %v", loc, err)
	}
	c.schemas[loc] = s
	return s
}

func (c *contract) mark(what string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.seen[what]++
}

// validateAsync checks raw JSON against the schema at loc and reports a
// mismatch with the payload and the failing schema paths.
func (c *contract) validateAsync(t *testing.T, what, loc string, raw []byte) bool {
	t.Helper()
	v, err := jsonschema.UnmarshalJSON(bytes.NewReader(raw))
	if err != nil {
		t.Errorf("%s: not JSON: %v\n%s", what, err, raw)
		return false
	}
	if err := c.schema(t, loc).Validate(v); err != nil {
		t.Errorf("CONTRACT VIOLATION: %s does not match api/asyncapi.yaml#%s\npayload:\n%s\n%v",
			what, loc, indentJSON(raw), schemaPaths(err))
		return false
	}
	return true
}

func indentJSON(raw []byte) string {
	var b bytes.Buffer
	if json.Indent(&b, raw, "  ", "  ") != nil {
		return "  " + string(raw)
	}
	return "  " + b.String()
}

// rest makes a request to n, checks its status, validates the request
// (when it is meant to succeed) and the answer against openapi.yaml, and
// returns the answer's body decoded with exact keys.
func (c *contract) rest(t *testing.T, n *node, method, path, token, body string, want int) map[string]any {
	t.Helper()
	contentType := ""
	if body != "" {
		contentType = "application/json"
	}
	m, _, _ := c.request(t, n, method, path, token, contentType, []byte(body), want)
	return m
}

// request is rest with any body, and the raw answer and its headers too.
// An answer that is not JSON (a file's bytes) is validated by its status
// and headers.
func (c *contract) request(t *testing.T, n *node, method, path, token, contentType string, body []byte, want int) (map[string]any, []byte, http.Header) {
	t.Helper()
	newReq := func() *http.Request {
		var r io.Reader
		if len(body) > 0 {
			r = bytes.NewReader(body)
		}
		req, err := http.NewRequest(method, n.base+path, r)
		if err != nil {
			t.Fatal(err)
		}
		if token != "" {
			req.Header.Set("Authorization", "Bearer "+token)
		}
		if contentType != "" {
			req.Header.Set("Content-Type", contentType)
		}
		return req
	}
	what := fmt.Sprintf("%s %s", method, path)

	check := newReq()
	route, params, err := c.router.FindRoute(check)
	if err != nil {
		t.Errorf("CONTRACT VIOLATION: %s is not described by api/openapi.yaml: %v", what, err)
		return nil, nil, nil
	}
	in := &openapi3filter.RequestValidationInput{
		Request: check, PathParams: params, Route: route,
		Options: &openapi3filter.Options{MultiError: true, AuthenticationFunc: bearerPresent},
	}
	if want < 300 {
		// Only requests meant to succeed must match: the others are
		// wrong on purpose.
		if err := openapi3filter.ValidateRequest(context.Background(), in); err != nil {
			t.Errorf("CONTRACT VIOLATION: the test's own request %s does not match api/openapi.yaml (operation %s)\nbody: %.300s\n%v",
				what, route.Operation.OperationID, body, err)
		}
	}

	res, err := n.client.Do(newReq())
	if err != nil {
		t.Fatalf("%s: %v", what, err)
	}
	defer res.Body.Close()
	raw, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatalf("%s: read body: %v", what, err)
	}
	if res.StatusCode != want {
		t.Errorf("%s: status %d, want %d\n%.300s", what, res.StatusCode, want, raw)
	}
	isJSON := strings.HasPrefix(res.Header.Get("Content-Type"), "application/json")
	out := &openapi3filter.ResponseValidationInput{
		RequestValidationInput: in, Status: res.StatusCode, Header: res.Header,
		Options: &openapi3filter.Options{MultiError: true, IncludeResponseStatus: true, ExcludeResponseBody: !isJSON && len(raw) > 0},
	}
	out.SetBodyBytes(raw)
	if err := openapi3filter.ValidateResponse(context.Background(), out); err != nil {
		t.Errorf("CONTRACT VIOLATION: %s answered %d, which does not match api/openapi.yaml paths[%s][%s].responses[%d]\nbody:\n%s\n%v",
			what, res.StatusCode, route.Path, strings.ToLower(method), res.StatusCode, indentJSON(raw), err)
	} else {
		c.mark(fmt.Sprintf("%s %s %d", method, route.Path, res.StatusCode))
	}
	var m map[string]any
	if isJSON {
		dec := json.NewDecoder(bytes.NewReader(raw))
		dec.UseNumber()
		if err := dec.Decode(&m); err != nil {
			t.Errorf("%s: answer is not a JSON object: %v\n%s", what, err, raw)
		}
	}
	return m, raw, res.Header
}

// bearerPresent stands in for the server's authentication when validating
// requests: the header must be there and in the documented form.
func bearerPresent(_ context.Context, in *openapi3filter.AuthenticationInput) error {
	h := in.RequestValidationInput.Request.Header.Get("Authorization")
	if tok, ok := strings.CutPrefix(h, "Bearer "); !ok || tok == "" {
		return fmt.Errorf("no Authorization: Bearer header")
	}
	return nil
}

// client is a Socket.IO connection whose every ack and event is validated
// against asyncapi.yaml as it arrives.
type client struct {
	c      *contract
	t      *testing.T
	name   string
	p      *poller
	nextID int
	events []received
	seen   int // events already handed to waitFor
}

type received struct {
	name    string
	raw     json.RawMessage
	payload map[string]any
	ackID   string // set when the server wants an answer (skill:request)
}

// noPayload sends an event without an argument.
var noPayload = struct{}{}

// anyOutcome accepts an ack of either variant.
const anyOutcome parley.Code = "*"

func (c *contract) connect(t *testing.T, n *node, name, token string) *client {
	t.Helper()
	return &client{c: c, t: t, name: name, p: n.poller(token)}
}

// emit sends an event with an ack and returns the ack. wantCode "" means
// the call must succeed (and its payload must match the request schema);
// otherwise it must fail with that code.
func (cl *client) emit(event string, payload any, wantCode parley.Code) map[string]any {
	cl.t.Helper()
	op, ok := cl.c.clientEvents[event]
	if !ok {
		cl.t.Fatalf("CONTRACT VIOLATION: the test emits %q, which api/asyncapi.yaml does not describe", event)
	}
	args := []any{event}
	if payload != noPayload {
		args = append(args, payload)
		if wantCode == "" {
			b, _ := json.Marshal(payload)
			cl.c.validateAsync(cl.t, fmt.Sprintf("the test's own %s payload", event), op.payload, b)
		}
	}
	cl.nextID++
	id := strconv.Itoa(cl.nextID)
	frame, _ := json.Marshal(args)
	cl.p.post("42" + id + string(frame))
	deadline := time.Now().Add(15 * time.Second)
	for time.Now().Before(deadline) {
		for _, pk := range cl.p.poll() {
			rest, isAck := strings.CutPrefix(pk, "43"+id+"[")
			if !isAck {
				cl.take(pk)
				continue
			}
			var ackArgs []json.RawMessage
			if err := json.Unmarshal([]byte("["+rest), &ackArgs); err != nil || len(ackArgs) != 1 {
				cl.t.Fatalf("%s: %s's ack %q: want one argument (%v)", cl.name, event, pk, err)
			}
			raw := ackArgs[0]
			ack := decodeObject(cl.t, raw)
			variant := "ok"
			if ack["ok"] != true {
				variant = "error"
			}
			what := fmt.Sprintf("%s's ack of %s (%s)", cl.name, event, variant)
			if cl.c.validateAsync(cl.t, what, op.reply, raw) {
				cl.c.mark("ack " + event + " " + variant)
			}
			code := ""
			if e, ok := ack["error"].(map[string]any); ok {
				code, _ = e["code"].(string)
			}
			if wantCode != anyOutcome && code != string(wantCode) {
				cl.t.Errorf("%s: %s %s answered %s, want code %q", cl.name, event, frame, raw, wantCode)
			}
			return ack
		}
	}
	cl.t.Fatalf("%s: no ack for %s within 15s", cl.name, event)
	return nil
}

// take validates and keeps a server packet that is not an ack.
func (cl *client) take(pk string) {
	cl.t.Helper()
	rest, ok := strings.CutPrefix(pk, "42")
	if !ok {
		return
	}
	ackID := ""
	for rest != "" && rest[0] >= '0' && rest[0] <= '9' {
		ackID += rest[:1]
		rest = rest[1:]
	}
	var args []json.RawMessage
	if err := json.Unmarshal([]byte(rest), &args); err != nil || len(args) == 0 {
		cl.t.Errorf("%s: undecodable event packet %q: %v", cl.name, pk, err)
		return
	}
	var name string
	_ = json.Unmarshal(args[0], &name)
	if len(args) != 2 {
		cl.t.Errorf("CONTRACT VIOLATION: %s: event %q came with %d arguments, want exactly one payload: %s", cl.name, name, len(args)-1, pk)
		return
	}
	op, ok := cl.c.serverEvents[name]
	if !ok {
		cl.t.Errorf("CONTRACT VIOLATION: %s received event %q, which api/asyncapi.yaml does not describe: %s", cl.name, name, pk)
		return
	}
	if (ackID != "") != (op.reply != "") {
		cl.t.Errorf("CONTRACT VIOLATION: %s: event %q asks for an ack: %v, but api/asyncapi.yaml says %v", cl.name, name, ackID != "", op.reply != "")
	}
	if cl.c.validateAsync(cl.t, fmt.Sprintf("event %s to %s", name, cl.name), op.payload, args[1]) {
		cl.c.mark("event " + name)
	}
	cl.events = append(cl.events, received{name: name, raw: args[1], payload: decodeObject(cl.t, args[1]), ackID: ackID})
}

// waitFor polls until an event not handed out before matches, and
// returns it.
func (cl *client) waitFor(desc string, match func(name string, p map[string]any) bool) received {
	cl.t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for {
		for ; cl.seen < len(cl.events); cl.seen++ {
			if e := cl.events[cl.seen]; match(e.name, e.payload) {
				cl.seen++
				return e
			}
		}
		if time.Now().After(deadline) {
			var names []string
			for _, e := range cl.events {
				names = append(names, e.name+" "+string(e.raw))
			}
			cl.t.Fatalf("%s: no %s within 15s; events so far:\n%s", cl.name, desc, strings.Join(names, "\n"))
		}
		for _, pk := range cl.p.poll() {
			cl.take(pk)
		}
	}
}

// answer acks a server event that asked for one, after checking the
// answer against the reply schema.
func (cl *client) answer(e received, payload any) {
	cl.t.Helper()
	b, _ := json.Marshal(payload)
	if cl.c.validateAsync(cl.t, fmt.Sprintf("the test's answer to %s", e.name), cl.c.serverEvents[e.name].reply, b) {
		cl.c.mark("answer " + e.name)
	}
	cl.p.post("43" + e.ackID + "[" + string(b) + "]")
}

func decodeObject(t *testing.T, raw []byte) map[string]any {
	t.Helper()
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	var m map[string]any
	if err := dec.Decode(&m); err != nil {
		t.Errorf("not a JSON object: %v\n%s", err, raw)
	}
	return m
}

func str(m map[string]any, path ...string) string {
	var v any = m
	for _, k := range path {
		mm, _ := v.(map[string]any)
		v = mm[k]
	}
	s, _ := v.(string)
	return s
}

func num(m map[string]any, path ...string) int64 {
	var v any = m
	for _, k := range path {
		mm, _ := v.(map[string]any)
		v = mm[k]
	}
	n, _ := v.(json.Number)
	i, _ := n.Int64()
	return i
}

const serviceSecret = "contract-test-secret-0123456789"

// TestContractTraffic drives a node through every REST route and every
// Socket.IO event, with successes and failures, and validates everything
// the node answers or emits against api/openapi.yaml and api/asyncapi.yaml.
// It then fails when a documented route, ack variant or event was not
// exercised, so the documents cannot describe what nobody checks.
func TestContractTraffic(t *testing.T) {
	c := loadContract(t)
	model := assistanttest.NewModel("Contracts ", "are ", "kept.")
	t.Cleanup(model.Close)
	cfg := testConfig(t, t.TempDir())
	cfg.LLMBaseURL = model.URL + "/v1"
	cfg.PingInterval = time.Second // long-polls return at least this often
	cfg.PresenceGrace = 200 * time.Millisecond
	cfg.Services = map[string]string{"weather": serviceSecret}
	cfg.MaxUploadBytes = 4096
	n := boot(t, cfg)
	c.openapi.Servers = openapi3.Servers{{URL: n.base}}
	router, err := gorillamux.NewRouter(c.openapi)
	if err != nil {
		t.Fatalf("router over api/openapi.yaml: %v", err)
	}
	c.router = router

	s := &scenario{c: c, n: n}
	// Later steps use what earlier ones made: each runs only if the one
	// before it passed.
	for _, step := range []struct {
		name string
		run  func(*testing.T)
	}{
		{"REST", s.restAPI},
		{"SocketIO", s.socketIO},
		{"Conversations", s.conversations},
		{"Assistant", s.assistantStream},
		{"ServiceSkill", s.serviceSkill},
		{"HistoryOverREST", s.historyOverREST},
		{"ConnectError", s.connectError},
		{"Logout", s.logout},
		{"Files", s.files},
		{"Administration", s.administration},
	} {
		if !t.Run(step.name, step.run) {
			break
		}
	}
	t.Run("NotReady", func(t *testing.T) { notReady(t, c) })
	t.Run("EverythingDocumentedWasExercised", func(t *testing.T) { c.coverage(t) })
}

// scenario is the state the steps share.
type scenario struct {
	c *contract
	n *node

	alice, bob, carol, svc string // tokens
	public, secret, carols string // room ids
	hello                  string // id of bob's first message
}

func (s *scenario) restAPI(t *testing.T) {
	c, n := s.c, s.n
	session := func(m map[string]any) string {
		tok := str(m, "token")
		if tok == "" {
			t.Fatalf("no token in %v", m)
		}
		return tok
	}
	s.alice = session(c.rest(t, n, "POST", "/api/auth/register", "", `{"username":"alice","password":"password1","displayName":"Alice A."}`, 201))
	s.bob = session(c.rest(t, n, "POST", "/api/auth/register", "", `{"username":"Bob","password":"password1"}`, 201))
	s.carol = session(c.rest(t, n, "POST", "/api/auth/register", "", `{"username":"carol","password":"password1"}`, 201))
	c.rest(t, n, "POST", "/api/auth/register", "", `{"username":"ALICE","password":"password2"}`, 409)
	c.rest(t, n, "POST", "/api/auth/register", "", `{"username":"assistant","password":"password2"}`, 409)
	c.rest(t, n, "POST", "/api/auth/register", "", `{"username":"al","password":"password1"}`, 400)
	c.rest(t, n, "POST", "/api/auth/register", "", `{"username":"dave","password":"short"}`, 400)
	c.rest(t, n, "POST", "/api/auth/register", "", `{"username":"dave","password":"password1","displayName":"`+strings.Repeat("d", 65)+`"}`, 413)
	c.rest(t, n, "POST", "/api/auth/register", "", `{"username":"dave",`, 400)
	c.rest(t, n, "POST", "/api/auth/register", "", `{"username":"dave","password":"password1","padding":"`+strings.Repeat("x", 64<<10)+`"}`, 413)

	c.rest(t, n, "POST", "/api/auth/login", "", `{"username":"ALICE","password":"password1"}`, 200)
	c.rest(t, n, "POST", "/api/auth/login", "", `{"username":"alice","password":"password2"}`, 401)
	c.rest(t, n, "POST", "/api/auth/login", "", `[]`, 400)

	if me := c.rest(t, n, "GET", "/api/me", s.alice, "", 200); str(me, "user", "displayName") != "Alice A." {
		t.Errorf("/api/me = %v", me)
	}
	c.rest(t, n, "GET", "/api/me", "", "", 401)
	c.rest(t, n, "GET", "/api/me", "not-a-token", "", 401)
	// carol's display name is her username: an empty one keeps it so.
	if me := c.rest(t, n, "PATCH", "/api/me", s.carol, `{"displayName":""}`, 200); str(me, "user", "displayName") != "carol" {
		t.Errorf("PATCH /api/me = %v", me)
	}
	c.rest(t, n, "PATCH", "/api/me", s.carol, `{"displayName":"Assistant"}`, 400)
	c.rest(t, n, "PATCH", "/api/me", s.carol, `{"displayName":"`+strings.Repeat("n", 65)+`"}`, 413)
	c.rest(t, n, "PATCH", "/api/me", "", `{"displayName":"x"}`, 401)
	c.rest(t, n, "GET", "/api/users?q=car&limit=5", s.alice, "", 200)
	c.rest(t, n, "GET", "/api/users?limit=51", s.alice, "", 400)
	c.rest(t, n, "GET", "/api/users", "", "", 401)

	s.public = str(c.rest(t, n, "POST", "/api/rooms", s.alice, `{"name":"contract","topic":"where the tests talk"}`, 201), "room", "id")
	s.secret = str(c.rest(t, n, "POST", "/api/rooms", s.alice, `{"name":"secret","private":true}`, 201), "room", "id")
	s.carols = str(c.rest(t, n, "POST", "/api/rooms", s.carol, `{"name":"carol's"}`, 201), "room", "id")
	c.rest(t, n, "POST", "/api/rooms", s.alice, `{"name":"   "}`, 400)
	c.rest(t, n, "POST", "/api/rooms", s.alice, `{"name":"`+strings.Repeat("n", 65)+`"}`, 413)
	c.rest(t, n, "POST", "/api/rooms", "", `{"name":"x"}`, 401)

	c.rest(t, n, "GET", "/api/rooms", s.alice, "", 200)
	c.rest(t, n, "GET", "/api/rooms", "", "", 401)
	c.rest(t, n, "GET", "/api/rooms/public", s.bob, "", 200)
	c.rest(t, n, "GET", "/api/rooms/public", "", "", 401)

	c.rest(t, n, "GET", "/api/rooms/general/messages", s.alice, "", 200)
	c.rest(t, n, "GET", "/api/rooms/"+s.public+"/messages", s.bob, "", 403)
	c.rest(t, n, "GET", "/api/rooms/"+s.secret+"/messages", s.bob, "", 404)
	c.rest(t, n, "GET", "/api/rooms/no-such-room/messages", s.bob, "", 404)
	c.rest(t, n, "GET", "/api/rooms/general/messages?before=soon", s.alice, "", 400)
	c.rest(t, n, "GET", "/api/rooms/general/messages", "", "", 401)

	tok := c.rest(t, n, "POST", "/api/services/token", "", `{"appId":"weather","secret":"`+serviceSecret+`"}`, 200)
	s.svc = str(tok, "token")
	if num(tok, "ttl") != 3600 {
		t.Errorf("service token ttl = %v, want 3600", tok["ttl"])
	}
	c.rest(t, n, "POST", "/api/services/token", "", `{"appId":"weather","secret":"wrong-secret-0123456789"}`, 401)
	c.rest(t, n, "POST", "/api/services/token", "", `{"appId":"weather"}`, 400)

	c.rest(t, n, "GET", "/healthz", "", "", 200)
	c.rest(t, n, "GET", "/readyz", "", "", 200)
	c.rest(t, n, "GET", "/metrics", "", "", 200)

	if cfg := c.rest(t, n, "GET", "/api/config", "", "", 200); str(cfg, "assistant") != "assistant" || str(cfg, "defaultRoom") != "general" {
		t.Errorf("/api/config = %v, want the assistant's username and the default room", cfg)
	}

	for path, want := range map[string][]byte{"/api/openapi.yaml": apidoc.OpenAPI(), "/api/asyncapi.yaml": apidoc.AsyncAPI()} {
		c.rest(t, n, "GET", path, "", "", 200)
		if status, body := n.do("GET", path, "", ""); status != 200 || body != string(want) {
			t.Errorf("GET %s does not serve the embedded document (status %d, %d bytes, want %d)", path, status, len(body), len(want))
		}
	}

	// Outside every documented route: the error shape still holds.
	errAnswer := c.openapi.Components.Schemas["ErrorAnswer"].Value
	for _, path := range []string{"/api/nope", "/api/rooms/general/nope"} {
		status, body := n.do("GET", path, s.alice, "")
		var v any
		_ = json.Unmarshal([]byte(body), &v)
		if status != 404 {
			t.Errorf("GET %s: %d, want 404", path, status)
		}
		if err := errAnswer.VisitJSON(v, openapi3.EnableJSONSchema2020()); err != nil {
			t.Errorf("CONTRACT VIOLATION: GET %s answered %s, not components/schemas/ErrorAnswer: %v", path, body, err)
		}
	}
}

func (s *scenario) socketIO(t *testing.T) {
	c, n := s.c, s.n
	alice := c.connect(t, n, "alice", s.alice)
	alice.emit("history", map[string]any{"room": "general"}, "") // the connection handler has run
	bob := c.connect(t, n, "bob", s.bob)
	bob.emit("history", map[string]any{"room": "general"}, "")
	alice.waitFor("presence of bob online", func(name string, p map[string]any) bool {
		return name == "presence" && str(p, "user", "username") == "bob" && p["online"] == true
	})

	// room:join
	join := alice.emit("room:join", map[string]any{"room": "general"}, "")
	if members, _ := join["members"].([]any); len(members) < 4 {
		t.Errorf("general's members = %v", join["members"])
	}
	bob.emit("room:join", map[string]any{"room": s.public}, "")
	alice.waitFor("room:member bob joined", func(name string, p map[string]any) bool {
		return name == "room:member" && p["room"] == s.public && str(p, "user", "username") == "bob" && p["action"] == "joined"
	})
	bob.emit("room:join", map[string]any{"room": s.secret}, parley.CodeNotFound)
	bob.emit("room:join", map[string]any{}, parley.CodeBadRequest)
	bob.emit("room:join", "general", parley.CodeBadRequest)

	// message:send, a retry, and the failures
	sent := bob.emit("message:send", map[string]any{"room": s.public, "text": " hello @Alice ", "clientMsgId": "b-1"}, "")
	msg, _ := sent["message"].(map[string]any)
	s.hello = str(msg, "id")
	if str(msg, "text") != "hello @Alice" || !reflect.DeepEqual(msg["mentions"], []any{"alice"}) {
		t.Errorf("sent message = %v, want the trimmed text and mentions [alice]", msg)
	}
	again := bob.emit("message:send", map[string]any{"room": s.public, "text": "hello again", "clientMsgId": "b-1"}, "")
	if !reflect.DeepEqual(again["message"], sent["message"]) {
		t.Errorf("a retry with the same clientMsgId answered %v, want the original %v", again["message"], sent["message"])
	}
	bob.emit("message:send", map[string]any{"room": s.public, "text": "marker", "clientMsgId": "b-2"}, "")
	alice.waitFor("bob's marker", func(name string, p map[string]any) bool { return name == "message" && p["text"] == "marker" })
	copies := 0
	for _, e := range alice.events {
		if e.name == "message" && e.payload["id"] == s.hello {
			copies++
		}
	}
	if copies != 1 {
		t.Errorf("alice got bob's message %d times, want once (a retry is not broadcast again)", copies)
	}
	bob.emit("message:send", map[string]any{"room": s.public, "text": "   ", "clientMsgId": "b-3"}, parley.CodeBadRequest)
	bob.emit("message:send", map[string]any{"room": s.public, "text": "no id"}, parley.CodeBadRequest)
	bob.emit("message:send", map[string]any{"room": s.public, "text": strings.Repeat("x", 4001), "clientMsgId": "b-4"}, parley.CodeTooLarge)
	bob.emit("message:send", map[string]any{"room": s.secret, "text": "hi", "clientMsgId": "b-5"}, parley.CodeNotFound)
	bob.emit("message:send", map[string]any{"room": s.carols, "text": "hi", "clientMsgId": "b-6"}, parley.CodeForbidden)
	bob.emit("message:send", map[string]any{"room": s.public, "text": 5, "clientMsgId": "b-7"}, parley.CodeBadRequest)

	// history
	page := alice.emit("history", map[string]any{"room": s.public, "limit": 1}, "")
	if page["hasMore"] != true {
		t.Errorf("history with limit 1 of 2 messages: hasMore = %v", page["hasMore"])
	}
	alice.emit("history", map[string]any{"room": s.public, "before": 2, "limit": 10}, "")
	bob.emit("history", map[string]any{"room": s.carols}, parley.CodeForbidden)

	// sync
	synced := alice.emit("sync", map[string]any{"cursors": map[string]any{s.public: 0, "no-such-room": 3}}, "")
	if rooms, _ := synced["rooms"].(map[string]any); len(rooms) == 0 || rooms["no-such-room"] != nil {
		t.Errorf("sync rooms = %v, want alice's rooms only", synced["rooms"])
	}
	alice.emit("sync", noPayload, "")
	alice.emit("sync", map[string]any{"cursors": map[string]any{"general": -1}}, parley.CodeBadRequest)

	// read
	if ack := alice.emit("read", map[string]any{"room": s.public, "seq": 99}, ""); num(ack, "readSeq") != 2 {
		t.Errorf("read past lastSeq answered readSeq %v, want 2 (capped)", ack["readSeq"])
	}
	alice.emit("read", map[string]any{"room": s.public}, parley.CodeBadRequest)
	for _, r := range c.rest(t, n, "GET", "/api/rooms", s.alice, "", 200)["rooms"].([]any) {
		if room := r.(map[string]any); room["id"] == s.public && num(room, "unread") != 0 {
			t.Errorf("unread after reading everything = %v", room["unread"])
		}
	}

	// typing
	bob.emit("typing", map[string]any{"room": s.public, "typing": true}, "")
	alice.waitFor("bob typing", func(name string, p map[string]any) bool {
		return name == "typing" && str(p, "user", "username") == "bob" && p["typing"] == true
	})
	bob.emit("typing", map[string]any{"room": s.public}, parley.CodeBadRequest)

	// dm:open
	dm := alice.emit("dm:open", map[string]any{"user": "BOB"}, "")
	if again := bob.emit("dm:open", map[string]any{"user": "alice"}, ""); str(again, "room", "id") != str(dm, "room", "id") {
		t.Errorf("the two sides of a DM got different rooms: %v and %v", dm["room"], again["room"])
	}
	alice.emit("dm:open", map[string]any{"user": "alice"}, parley.CodeBadRequest)
	alice.emit("dm:open", map[string]any{"user": "nobody"}, parley.CodeNotFound)
	alice.emit("room:leave", map[string]any{"room": str(dm, "room", "id")}, parley.CodeBadRequest)

	// room:invite and room:kick
	carol := c.connect(t, n, "carol", s.carol)
	carol.emit("history", map[string]any{"room": "general"}, "")
	alice.emit("room:invite", map[string]any{"room": s.secret, "user": "carol"}, "")
	alice.waitFor("room:member carol joined", func(name string, p map[string]any) bool {
		return name == "room:member" && p["room"] == s.secret && p["action"] == "joined"
	})
	bob.emit("room:invite", map[string]any{"room": s.public, "user": "carol"}, parley.CodeForbidden)
	alice.emit("room:kick", map[string]any{"room": s.secret, "user": "carol"}, "")
	carol.waitFor("room:member carol kicked", func(name string, p map[string]any) bool {
		return name == "room:member" && p["room"] == s.secret && p["action"] == "kicked"
	})
	alice.emit("room:kick", map[string]any{"room": s.secret, "user": "alice"}, parley.CodeBadRequest)
	bob.emit("room:kick", map[string]any{"room": s.public, "user": "alice"}, parley.CodeForbidden)

	// room:notify
	alice.emit("room:notify", map[string]any{"room": s.public, "level": "none"}, "")
	alice.emit("room:notify", map[string]any{"room": s.public, "level": "loud"}, parley.CodeBadRequest)
	carol.emit("room:notify", map[string]any{"room": s.public, "level": "all"}, parley.CodeForbidden)
	// room:update and room:role
	alice.emit("room:update", map[string]any{"room": s.public, "topic": "where the tests still talk"}, "")
	bob.waitFor("room:updated", func(name string, p map[string]any) bool {
		return name == "room:updated" && p["id"] == s.public && p["topic"] == "where the tests still talk"
	})
	bob.emit("room:update", map[string]any{"room": s.public, "name": "bob's now"}, parley.CodeForbidden)
	alice.emit("room:update", map[string]any{"room": s.public, "name": " "}, parley.CodeBadRequest)
	alice.emit("room:role", map[string]any{"room": s.public, "user": "bob", "role": "admin"}, "")
	bob.waitFor("room:member bob admin", func(name string, p map[string]any) bool {
		return name == "room:member" && p["room"] == s.public && p["action"] == "role" && p["role"] == "admin"
	})
	bob.emit("room:role", map[string]any{"room": s.public, "user": "alice", "role": "member"}, parley.CodeForbidden)
	alice.emit("room:role", map[string]any{"room": s.public, "user": "bob", "role": "member"}, "")
	bob.waitFor("room:member bob member", func(name string, p map[string]any) bool {
		return name == "room:member" && p["room"] == s.public && p["action"] == "role" && p["role"] == "member"
	})

	// message:delete
	mine := alice.emit("message:send", map[string]any{"room": s.public, "text": "alice's own", "clientMsgId": "a-1"}, "")
	bob.emit("message:delete", map[string]any{"room": s.public, "id": str(mine, "message", "id")}, parley.CodeForbidden)
	bob.emit("message:delete", map[string]any{"room": s.public, "id": "no-such-message"}, parley.CodeNotFound)
	bob.emit("message:delete", map[string]any{"room": s.public, "id": s.hello}, "")
	alice.waitFor("message:deleted", func(name string, p map[string]any) bool { return name == "message:deleted" && p["id"] == s.hello })
	hist := alice.emit("history", map[string]any{"room": s.public}, "")
	msgs, _ := hist["messages"].([]any)
	if len(msgs) == 0 || msgs[0].(map[string]any)["deleted"] != true {
		t.Errorf("history after a delete = %v, want the tombstone first", msgs)
	}

	// room:leave
	bob.emit("room:leave", map[string]any{"room": s.public}, "")
	alice.waitFor("room:member bob left", func(name string, p map[string]any) bool {
		return name == "room:member" && p["room"] == s.public && p["action"] == "left"
	})

	// rate limit: carol sends until refused
	limited := false
	for i := 0; i < 100 && !limited; i++ {
		want := parley.Code("")
		if i >= 20 { // past the default burst, unless the bucket refilled meanwhile
			want = anyOutcome
		}
		ack := carol.emit("message:send", map[string]any{"room": "general", "text": fmt.Sprintf("flood %d", i), "clientMsgId": fmt.Sprintf("c-%d", i)}, want)
		switch code := str(ack, "error", "code"); code {
		case "":
		case string(parley.CodeRateLimited):
			limited = true
		default:
			t.Errorf("flooding answered %s, want ok or RATE_LIMITED", code)
		}
	}
	if !limited {
		t.Error("100 sends in a row were never RATE_LIMITED")
	}

	// presence offline, after the grace period
	bob.p.post("41")
	alice.waitFor("presence of bob offline", func(name string, p map[string]any) bool {
		return name == "presence" && str(p, "user", "username") == "bob" && p["online"] == false
	})
}

// conversations drives the events that change messages after they were
// sent: replies and threads, edits, reactions and the sync of changes.
func (s *scenario) conversations(t *testing.T) {
	c, n := s.c, s.n
	alice := c.connect(t, n, "alice", s.alice)
	bob := c.connect(t, n, "bob", s.bob)
	bob.emit("room:join", map[string]any{"room": s.public}, "")
	alice.waitFor("room:member bob joined again", func(name string, p map[string]any) bool {
		return name == "room:member" && p["room"] == s.public && str(p, "user", "username") == "bob" && p["action"] == "joined"
	})

	// message:send with replyTo, and thread
	root := alice.emit("message:send", map[string]any{"room": s.public, "text": "what shall we call it?", "clientMsgId": "a-root"}, "")
	rootID := str(root, "message", "id")
	reply := bob.emit("message:send", map[string]any{"room": s.public, "text": "Parley", "clientMsgId": "b-reply", "replyTo": rootID}, "")
	if str(reply, "message", "replyTo", "id") != rootID || str(reply, "message", "replyTo", "text") != "what shall we call it?" {
		t.Errorf("a reply's ack = %v, want the quote of %s", reply["message"], rootID)
	}
	alice.waitFor("bob's reply", func(name string, p map[string]any) bool {
		return name == "message" && str(p, "replyTo", "id") == rootID
	})
	bob.emit("message:send", map[string]any{"room": s.public, "text": "lost", "clientMsgId": "b-reply-2", "replyTo": "no-such-message"}, parley.CodeNotFound)
	th := alice.emit("thread", map[string]any{"room": s.public, "id": rootID, "limit": 10}, "")
	if replies, _ := th["replies"].([]any); str(th, "root", "id") != rootID || len(replies) != 1 || th["hasMore"] != false {
		t.Errorf("thread = %v, want the root and bob's one reply", th)
	}
	alice.emit("thread", map[string]any{"room": s.public, "id": "no-such-message"}, parley.CodeNotFound)
	alice.emit("thread", map[string]any{"room": s.public, "id": rootID, "after": -1}, parley.CodeBadRequest)

	// where a client is before the changes below
	before := alice.emit("sync", map[string]any{"cursors": map[string]any{s.public: num(reply, "message", "seq")}}, "")
	rev := num(before, "rooms", s.public, "rev")
	if rev == 0 || rev != num(reply, "message", "rev") {
		t.Errorf("sync answered rev %d, want the reply's rev %d", rev, num(reply, "message", "rev"))
	}

	// message:edit
	edited := alice.emit("message:edit", map[string]any{"room": s.public, "id": rootID, "text": " what shall we call it, @Bob? "}, "")
	if str(edited, "message", "text") != "what shall we call it, @Bob?" || !reflect.DeepEqual(edited["message"].(map[string]any)["mentions"], []any{"bob"}) || str(edited, "message", "editedAt") == "" {
		t.Errorf("message:edit answered %v, want the trimmed text, mentions [bob] and editedAt", edited["message"])
	}
	bob.waitFor("message:updated of the edit", func(name string, p map[string]any) bool {
		return name == "message:updated" && p["id"] == rootID && str(p, "editedAt") != ""
	})
	bob.emit("message:edit", map[string]any{"room": s.public, "id": rootID, "text": "mine now"}, parley.CodeForbidden)
	alice.emit("message:edit", map[string]any{"room": s.public, "id": rootID, "text": "   "}, parley.CodeBadRequest)
	alice.emit("message:edit", map[string]any{"room": s.public, "id": "no-such-message", "text": "x"}, parley.CodeNotFound)

	// reaction:add and reaction:remove
	added := bob.emit("reaction:add", map[string]any{"room": s.public, "id": rootID, "emoji": "👍"}, "")
	want := []any{map[string]any{"emoji": "👍", "count": json.Number("1"), "users": []any{"bob"}, "me": true}}
	if got := added["message"].(map[string]any)["reactions"]; !reflect.DeepEqual(got, want) {
		t.Errorf("reaction:add answered reactions %v, want %v", got, want)
	}
	heard := alice.waitFor("message:updated of the reaction", func(name string, p map[string]any) bool {
		rs, _ := p["reactions"].([]any)
		return name == "message:updated" && p["id"] == rootID && len(rs) == 1
	})
	want[0].(map[string]any)["me"] = false
	if got := heard.payload["reactions"]; !reflect.DeepEqual(got, want) {
		t.Errorf("message:updated carried reactions %v, want %v", got, want)
	}
	bob.emit("reaction:add", map[string]any{"room": s.public, "id": rootID, "emoji": "thumbs up"}, parley.CodeBadRequest)
	removed := bob.emit("reaction:remove", map[string]any{"room": s.public, "id": rootID, "emoji": "👍"}, "")
	if rs, _ := removed["message"].(map[string]any)["reactions"].([]any); len(rs) != 0 {
		t.Errorf("reaction:remove answered reactions %v, want none", rs)
	}
	bob.emit("reaction:remove", map[string]any{"room": s.public, "id": "no-such-message", "emoji": "👍"}, parley.CodeNotFound)

	// sync with revs: the edited message comes back as a change
	after := alice.emit("sync", map[string]any{"cursors": map[string]any{s.public: num(reply, "message", "seq")}, "revs": map[string]any{s.public: rev}}, "")
	changes, _ := after["rooms"].(map[string]any)[s.public].(map[string]any)["changes"].([]any)
	if len(changes) != 1 || changes[0].(map[string]any)["id"] != rootID {
		t.Errorf("sync from rev %d answered changes %v, want the edited message once", rev, changes)
	}
	alice.emit("sync", map[string]any{"revs": map[string]any{s.public: -1}}, parley.CodeBadRequest)
}

func (s *scenario) assistantStream(t *testing.T) {
	alice := s.c.connect(t, s.n, "alice", s.alice)
	alice.emit("message:send", map[string]any{"room": "general", "text": "@assistant what is a contract?", "clientMsgId": "a-ask-1"}, "")
	final := alice.waitFor("the assistant's streamed reply", func(name string, p map[string]any) bool {
		return name == "message" && str(p, "sender", "kind") == "bot" && str(p, "streamId") != ""
	})
	streamed := 0
	for _, e := range alice.events {
		if e.name == "message:stream" && e.payload["streamId"] == final.payload["streamId"] {
			streamed++
		}
	}
	if streamed == 0 {
		t.Errorf("the reply %s carries a streamId but no message:stream came before it", final.raw)
	}
}

func (s *scenario) serviceSkill(t *testing.T) {
	c, n := s.c, s.n
	svc := c.connect(t, n, "weather", s.svc)
	ack := svc.emit("skill:register", map[string]any{
		"name": "Weather", "aliases": []string{"forecast"},
		"description": map[string]string{"en": "the weather in a city"},
		"slots":       []map[string]any{{"name": "city", "label": map[string]string{"en": "city"}}},
	}, "")
	if ack["skill"] != "weather" {
		t.Errorf("skill:register answered %v, want skill weather", ack)
	}
	alice := c.connect(t, n, "alice", s.alice)
	alice.emit("skill:register", map[string]any{"name": "weather"}, parley.CodeForbidden)

	alice.emit("message:send", map[string]any{"room": "general", "text": "@assistant weather Paris", "clientMsgId": "a-ask-2"}, "")
	req := svc.waitFor("skill:request", func(name string, _ map[string]any) bool { return name == "skill:request" })
	svc.answer(req, map[string]any{
		"from": "weather", "to": req.payload["from"], "subject": req.payload["subject"],
		"content": "Sunny in Paris, 21°C.", "type": "skill.reply", "createTime": time.Now().UnixMilli(),
	})
	alice.waitFor("the skill's answer", func(name string, p map[string]any) bool {
		return name == "message" && strings.Contains(str(p, "text"), "Sunny in Paris")
	})
}

func (s *scenario) historyOverREST(t *testing.T) {
	page := s.c.rest(t, s.n, "GET", "/api/rooms/"+s.public+"/messages?limit=2", s.alice, "", 200)
	if page["hasMore"] != true {
		t.Errorf("limit=2 of 3 messages: hasMore = %v", page["hasMore"])
	}
	page = s.c.rest(t, s.n, "GET", "/api/rooms/"+s.public+"/messages?before=2&limit=1000", s.alice, "", 200)
	if msgs, _ := page["messages"].([]any); len(msgs) != 1 || msgs[0].(map[string]any)["deleted"] != true {
		t.Errorf("before=2: %v, want the tombstone of seq 1", page["messages"])
	}

	found := s.c.rest(t, s.n, "GET", "/api/search?q=PARLEY&room="+s.public, s.alice, "", 200)
	if rs, _ := found["results"].([]any); len(rs) != 1 || str(rs[0].(map[string]any), "message", "text") != "Parley" ||
		str(rs[0].(map[string]any), "room", "id") != s.public || found["hasMore"] != false {
		t.Errorf("search for PARLEY = %v, want bob's reply", found)
	}
	s.c.rest(t, s.n, "GET", "/api/search?q=%20", s.alice, "", 400)
	s.c.rest(t, s.n, "GET", "/api/search?q=hi&room="+s.secret, s.bob, "", 404)
	s.c.rest(t, s.n, "GET", "/api/search?q=hi", "", "", 401)
}

// files uploads to a room of its own, attaches the uploads to a message,
// fetches them at their signed URLs, and deletes the message.
func (s *scenario) files(t *testing.T) {
	c, n := s.c, s.n
	room := str(c.rest(t, n, "POST", "/api/rooms", s.alice, `{"name":"files"}`, 201), "room", "id")
	upload := func(token, roomID, field, name string, data []byte, want int) map[string]any {
		t.Helper()
		var body bytes.Buffer
		w := multipart.NewWriter(&body)
		part, err := w.CreateFormFile(field, name)
		if err != nil {
			t.Fatal(err)
		}
		part.Write(data)
		w.Close()
		m, _, _ := c.request(t, n, "POST", "/api/rooms/"+roomID+"/files", token, w.FormDataContentType(), body.Bytes(), want)
		return m
	}
	png := contractPNG(t)
	img, _ := upload(s.alice, room, "file", "dot.png", png, 201)["file"].(map[string]any)
	doc, _ := upload(s.alice, room, "file", "notes.txt", []byte("plain words"), 201)["file"].(map[string]any)
	if str(img, "contentType") != "image/png" || str(img, "thumbUrl") == "" || str(doc, "contentType") != "text/plain; charset=utf-8" {
		t.Fatalf("uploads: %v %v", img, doc)
	}
	upload(s.alice, room, "file", "big.bin", bytes.Repeat([]byte{1}, 4097), 413)
	upload(s.alice, room, "other", "a.txt", []byte("x"), 400)
	upload(s.bob, s.secret, "file", "a.txt", []byte("x"), 404)
	upload(s.carol, s.public, "file", "a.txt", []byte("x"), 403)
	upload("", room, "file", "a.txt", []byte("x"), 401)

	alice := c.connect(t, n, "alice", s.alice)
	sent := alice.emit("message:send", map[string]any{"room": room, "text": "", "clientMsgId": "a-files", "attachments": []string{str(doc, "id"), str(img, "id")}}, "")
	msg, _ := sent["message"].(map[string]any)
	if !reflect.DeepEqual(msg["attachments"], []any{doc, img}) {
		t.Errorf("attachments %v, want %v", msg["attachments"], []any{doc, img})
	}
	alice.emit("message:send", map[string]any{"room": room, "text": "again", "clientMsgId": "a-files-2", "attachments": []string{str(img, "id")}}, parley.CodeBadRequest)

	if _, raw, h := c.request(t, n, "GET", str(img, "url"), "", "", nil, 200); !bytes.Equal(raw, png) || h.Get("Content-Disposition") != "inline; filename*=UTF-8''dot.png" {
		t.Errorf("the image: %d bytes, %v", len(raw), h)
	}
	c.request(t, n, "GET", str(img, "thumbUrl"), "", "", nil, 200)
	if _, raw, _ := c.request(t, n, "GET", str(doc, "url"), "", "", nil, 200); string(raw) != "plain words" {
		t.Errorf("the document: %q", raw)
	}
	ranged, _ := http.NewRequest("GET", n.base+str(doc, "url"), nil)
	ranged.Header.Set("Range", "bytes=0-4")
	if res, err := n.client.Do(ranged); err != nil || res.StatusCode != http.StatusPartialContent {
		t.Errorf("range: %v %v", res, err)
	} else {
		res.Body.Close()
	}
	unsigned, _, _ := strings.Cut(str(doc, "url"), "?")
	c.request(t, n, "GET", unsigned, "", "", nil, 403)
	c.request(t, n, "GET", strings.Replace(str(img, "thumbUrl"), "sig=", "sig=x", 1), "", "", nil, 403)

	alice.emit("message:delete", map[string]any{"room": room, "id": str(msg, "id")}, "")
	c.request(t, n, "GET", str(img, "url"), "", "", nil, 404)
	c.request(t, n, "GET", str(img, "thumbUrl"), "", "", nil, 404)
}

// contractPNG is a 2×2 PNG.
func contractPNG(t *testing.T) []byte {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, 2, 2))
	img.Set(1, 1, color.RGBA{200, 10, 10, 255})
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// connectError checks a refused handshake's CONNECT_ERROR packet.
func (s *scenario) connectError(t *testing.T) {
	n := s.n
	status, body := n.do("GET", "/socket.io/?EIO=4&transport=polling", "", "")
	var open struct{ Sid string }
	if status != 200 || !strings.HasPrefix(body, "0") || json.Unmarshal([]byte(body[1:]), &open) != nil {
		t.Fatalf("engine.io handshake: %d %q", status, body)
	}
	q := "/socket.io/?EIO=4&transport=polling&sid=" + open.Sid
	n.do("POST", q, "", `40{"token":"forged"}`)
	_, body = n.do("GET", q, "", "")
	raw, ok := strings.CutPrefix(body, "44")
	if !ok {
		t.Fatalf("a bad token got %q, want a CONNECT_ERROR packet", body)
	}
	if s.c.validateAsync(t, "connect_error", s.c.serverEvents["connect_error"].payload, []byte(raw)) {
		s.c.mark("event connect_error")
	}
}

// logout revokes a token whose socket then hears session:ended, and then
// all of the user's tokens.
func (s *scenario) logout(t *testing.T) {
	c, n := s.c, s.n
	tok := str(c.rest(t, n, "POST", "/api/auth/register", "", `{"username":"erin","password":"password1"}`, 201), "token")
	erin := c.connect(t, n, "erin", tok)
	erin.emit("history", map[string]any{"room": "general"}, "") // the connection handler has run
	c.rest(t, n, "POST", "/api/auth/logout", tok, "", 204)
	erin.waitFor("session:ended revoked", func(name string, p map[string]any) bool {
		return name == "session:ended" && p["reason"] == "revoked"
	})
	c.rest(t, n, "POST", "/api/auth/logout", tok, "", 401)
	other := str(c.rest(t, n, "POST", "/api/auth/login", "", `{"username":"erin","password":"password1"}`, 200), "token")
	c.rest(t, n, "POST", "/api/me/password", other, `{"current":"password9","password":"password2"}`, 401)
	c.rest(t, n, "POST", "/api/me/password", other, `{"current":"password1","password":"short"}`, 400)
	c.rest(t, n, "POST", "/api/me/password", other, `{"current":"password1","password":"password2"}`, 204)
	c.rest(t, n, "POST", "/api/auth/logout/everywhere", other, "", 204)
	c.rest(t, n, "POST", "/api/auth/logout/everywhere", other, "", 401)
}

// administration validates what a server administrator's client reads
// (admin: true, the private rooms in the browser) and a disabled
// account's refused login, the accounts changed with parley user.
func (s *scenario) administration(t *testing.T) {
	c, n := s.c, s.n
	run := func(args ...string) {
		t.Helper()
		if code, out, errOut := user(t, n.m.cfg.DataDir, passwordInput{}, args...); code != 0 {
			t.Fatalf("parley user %v: exit %d\n%s%s", args, code, out, errOut)
		}
	}
	c.rest(t, n, "POST", "/api/auth/register", "", `{"username":"root","password":"password1"}`, 201)
	run("promote", "root")
	login := c.rest(t, n, "POST", "/api/auth/login", "", `{"username":"root","password":"password1"}`, 200)
	if login["user"].(map[string]any)["admin"] != true {
		t.Errorf("an administrator's login: %v", login["user"])
	}
	tok := str(login, "token")
	if me := c.rest(t, n, "GET", "/api/me", tok, "", 200); me["user"].(map[string]any)["admin"] != true {
		t.Errorf("an administrator's GET /api/me: %v", me)
	}
	private := map[string]any{}
	for _, r := range c.rest(t, n, "GET", "/api/rooms/public", tok, "", 200)["rooms"].([]any) {
		room := r.(map[string]any)
		private[room["id"].(string)] = room["private"]
	}
	if private[s.secret] != true || private[s.public] != false {
		t.Errorf("an administrator's room browser: %v", private)
	}
	run("disable", "root")
	c.rest(t, n, "POST", "/api/auth/login", "", `{"username":"root","password":"password1"}`, 403)
	c.rest(t, n, "GET", "/api/me", tok, "", 401)
	run("enable", "root")
	c.rest(t, n, "POST", "/api/auth/login", "", `{"username":"root","password":"password1"}`, 200)
}

// notReady validates /readyz's 503 on a node whose Redis is unreachable.
func notReady(t *testing.T, c *contract) {
	cfg := testConfig(t, t.TempDir())
	cfg.RedisURL = "redis://127.0.0.1:1/0" // nothing listens there
	cfg.ShutdownTimeout = 3 * time.Second
	n := boot(t, cfg)
	doc := *c.openapi
	doc.Servers = openapi3.Servers{{URL: n.base}}
	router, err := gorillamux.NewRouter(&doc)
	if err != nil {
		t.Fatal(err)
	}
	main := c.router
	c.router = router
	defer func() { c.router = main }()
	c.rest(t, n, "GET", "/readyz", "", "", 503)
}

// coverage fails for every documented route, ack variant or event the
// traffic did not exercise.
func (c *contract) coverage(t *testing.T) {
	c.mu.Lock()
	defer c.mu.Unlock()
	for path, item := range c.openapi.Paths.Map() {
		for method, op := range item.Operations() {
			var statuses []string
			for status := range op.Responses.Map() {
				if c.seen[fmt.Sprintf("%s %s %s", method, path, status)] > 0 {
					statuses = append(statuses, status)
				}
			}
			if len(statuses) == 0 {
				t.Errorf("%s %s (%s) is documented but no answer of it was validated", method, path, op.OperationID)
				continue
			}
			if _, ok := op.Responses.Map()["200"]; ok && !slices.Contains(statuses, "200") {
				t.Errorf("%s %s: its 200 answer was never validated", method, path)
			}
		}
	}
	for name := range c.clientEvents {
		for _, variant := range []string{"ok", "error"} {
			if c.seen["ack "+name+" "+variant] == 0 {
				t.Errorf("%s is documented but no %s ack of it was validated", name, variant)
			}
		}
	}
	for name, op := range c.serverEvents {
		if c.seen["event "+name] == 0 {
			t.Errorf("server event %s is documented but never arrived", name)
		}
		if op.reply != "" && c.seen["answer "+name] == 0 {
			t.Errorf("the answer to %s is documented but was never sent", name)
		}
	}
	var seen []string
	for k, v := range c.seen {
		seen = append(seen, fmt.Sprintf("%s ×%d", k, v))
	}
	sort.Strings(seen)
	t.Logf("validated:\n%s", strings.Join(seen, "\n"))
}

// TestContractMatchesCode fails when the code registers a route or an
// event the documents do not describe, when the documents describe one
// the code does not have, when a shape shared by both documents differs,
// or when a document cites a section docs/protocol.md does not have.
func TestContractMatchesCode(t *testing.T) {
	c := loadContract(t)

	t.Run("Routes", func(t *testing.T) {
		n := boot(t, testConfig(t, t.TempDir()))
		e, ok := n.m.server.Handler().(*echo.Echo)
		if !ok {
			t.Fatalf("the server's handler is a %T, not the Echo app", n.m.server.Handler())
		}
		registered := map[string]bool{}
		for _, r := range e.Routes() {
			if r.Path == "/api/*" || !(strings.HasPrefix(r.Path, "/api/") || r.Path == "/healthz" || r.Path == "/readyz" || r.Path == "/metrics") {
				continue
			}
			path := regexp.MustCompile(`:(\w+)`).ReplaceAllString(r.Path, "{$1}")
			registered[r.Method+" "+path] = true
			item := c.openapi.Paths.Find(path)
			if item == nil || item.GetOperation(r.Method) == nil {
				t.Errorf("CONTRACT DRIFT: the server registers %s %s, which api/openapi.yaml does not describe", r.Method, path)
			}
		}
		for path, item := range c.openapi.Paths.Map() {
			for method := range item.Operations() {
				if !registered[method+" "+path] {
					t.Errorf("CONTRACT DRIFT: api/openapi.yaml describes %s %s, which the server does not register", method, path)
				}
			}
		}
	})

	t.Run("Events", func(t *testing.T) {
		fromClient, fromServer := eventsInCode(t)
		fromServer["connect_error"] = "the handshake middleware (§6.2)"
		compare := func(direction string, code map[string]string, doc map[string]asyncOp) {
			for name, where := range code {
				if _, ok := doc[name]; !ok {
					t.Errorf("CONTRACT DRIFT: %s event %q (%s) is not in api/asyncapi.yaml", direction, name, where)
				}
			}
			for name, op := range doc {
				if _, ok := code[name]; !ok {
					t.Errorf("CONTRACT DRIFT: api/asyncapi.yaml operation %s describes %s event %q, which the code does not have", op.id, direction, name)
				}
			}
		}
		compare("client->server", fromClient, c.clientEvents)
		compare("server->client", fromServer, c.serverEvents)
	})

	t.Run("SharedShapes", func(t *testing.T) {
		oas := yamlAsJSON(t, "api/openapi.yaml", apidoc.OpenAPI())
		a := schemasOf(oas)
		b := schemasOf(c.asyncTree)
		shared := 0
		for name, sa := range a {
			sb, ok := b[name]
			if !ok {
				continue
			}
			shared++
			if !reflect.DeepEqual(sa, sb) {
				ja, _ := json.MarshalIndent(sa, "  ", "  ")
				jb, _ := json.MarshalIndent(sb, "  ", "  ")
				t.Errorf("CONTRACT DRIFT: components/schemas/%s differs between the documents\nopenapi.yaml:\n  %s\nasyncapi.yaml:\n  %s", name, ja, jb)
			}
		}
		for _, name := range []string{"User", "Message", "Page", "Error", "Timestamp"} {
			if a[name] == nil || b[name] == nil {
				t.Errorf("components/schemas/%s must be in both documents", name)
			}
		}
		t.Logf("%d shapes shared", shared)
	})

	t.Run("SectionReferences", func(t *testing.T) {
		prose, err := os.ReadFile(filepath.Join(repoRoot, "docs/protocol.md"))
		if err != nil {
			t.Fatal(err)
		}
		heading := regexp.MustCompile(`(?m)^#{2,3} (\d+(?:\.\d+)?)\.? `)
		sections := map[string]bool{}
		for _, m := range heading.FindAllStringSubmatch(string(prose), -1) {
			sections[m[1]] = true
		}
		cite := regexp.MustCompile(`§(\d+(?:\.\d+)?)`)
		for name, doc := range map[string][]byte{"api/openapi.yaml": apidoc.OpenAPI(), "api/asyncapi.yaml": apidoc.AsyncAPI(), "docs/protocol.md": prose} {
			for _, m := range cite.FindAllStringSubmatch(string(doc), -1) {
				if !sections[m[1]] {
					t.Errorf("%s cites §%s, which docs/protocol.md does not have", name, m[1])
				}
			}
		}
	})
}

func schemasOf(doc map[string]any) map[string]any {
	comps, _ := doc["components"].(map[string]any)
	s, _ := comps["schemas"].(map[string]any)
	return s
}

// eventsInCode reads the event names out of the source: the server ->
// client names are the Event constants of protocol/events.go and the names
// the server package emits; the client -> server names are those its
// handlers register with s.on(ctx, sock, name, ...), as literals or protocol
// constants.
func eventsInCode(t *testing.T) (fromClient, fromServer map[string]string) {
	t.Helper()
	fromClient, fromServer = map[string]string{}, map[string]string{}
	fset := token.NewFileSet()
	consts := map[string]string{} // protocol.EventX -> its name
	for _, file := range []string{"protocol/events.go", "protocol/requests.go"} {
		f, err := parser.ParseFile(fset, filepath.Join(repoRoot, file), nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		ast.Inspect(f, func(nd ast.Node) bool {
			vs, ok := nd.(*ast.ValueSpec)
			if !ok {
				return true
			}
			for i, id := range vs.Names {
				if strings.HasPrefix(id.Name, "Event") && i < len(vs.Values) {
					if lit, ok := vs.Values[i].(*ast.BasicLit); ok && lit.Kind == token.STRING {
						name, _ := strconv.Unquote(lit.Value)
						consts["protocol."+id.Name] = name
						if file == "protocol/events.go" {
							fromServer[name] = "protocol." + id.Name
						}
					}
				}
			}
			return true
		})
	}
	files, _ := filepath.Glob(filepath.Join(repoRoot, "server/*.go"))
	for _, path := range files {
		if strings.HasSuffix(path, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, path, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		ast.Inspect(f, func(nd ast.Node) bool {
			call, ok := nd.(*ast.CallExpr)
			if !ok {
				return true
			}
			sel, ok := call.Fun.(*ast.SelectorExpr)
			if !ok {
				return true
			}
			name := func(i int) (string, bool) {
				if i >= len(call.Args) {
					return "", false
				}
				switch a := call.Args[i].(type) {
				case *ast.BasicLit:
					if a.Kind != token.STRING {
						return "", false
					}
					s, err := strconv.Unquote(a.Value)
					return s, err == nil
				case *ast.SelectorExpr:
					if pkg, ok := a.X.(*ast.Ident); ok {
						s, ok := consts[pkg.Name+"."+a.Sel.Name]
						return s, ok
					}
				}
				return "", false
			}
			where := filepath.Base(path) + ":" + strconv.Itoa(fset.Position(call.Pos()).Line)
			switch sel.Sel.Name {
			case "on": // s.on(ctx, sock, event, handler)
				if n, ok := name(2); ok {
					fromClient[n] = where
				}
			case "Emit":
				if n, ok := name(0); ok {
					fromServer[n] = where
				}
			}
			return true
		})
	}
	if len(fromClient) == 0 || len(fromServer) == 0 {
		t.Fatalf("found no event names in the source (client %v, server %v): has the code moved?", fromClient, fromServer)
	}
	return fromClient, fromServer
}

// schemaPaths spells a validation error out with, for every failure, the
// keyword's place in the document as well as the payload's, so a report
// names the schema to fix.
func schemaPaths(err error) string {
	var ve *jsonschema.ValidationError
	if !errors.As(err, &ve) {
		return err.Error()
	}
	return fmt.Sprintf("%#v", ve)
}
