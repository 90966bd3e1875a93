package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"log"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/parley-chat/parley/bench/internal/eio"
	"github.com/parley-chat/parley/bench/internal/report"
)

// maxPhases bounds the warm-up plus the offered rates.
const maxPhases = 8

// text is what every message says: a plain sentence of a typical chat
// length, with no mention and no word from the sensitive-word list.
const text = "did anyone look at the numbers from the last deploy yet?"

var (
	messagePrefix = []byte(`42["message",`)
	clientMsgKey  = []byte(`"clientMsgId":"b`)
	okTrue        = []byte(`"ok":true`)
	codeKey       = []byte(`"code":"`)
)

// phase is one stretch of open-loop load: message k of the phase (global
// index base+k) is due at start + k*interval, whatever happened before it.
type phase struct {
	name     string
	rate     float64
	base     int
	count    int
	start    int64 // ns since the run's epoch
	interval float64

	sent       atomic.Int64
	sendErrs   atomic.Int64
	sendLagMax atomic.Int64
	delivered  atomic.Int64
	dups       atomic.Int64
	acksOK     atomic.Int64
	acksErr    atomic.Int64

	codesMu sync.Mutex
	codes   map[string]int
}

func (p *phase) due(idx int) int64 {
	return p.start + int64(float64(idx-p.base)*p.interval)
}

// sock is one generator socket and what it has received.
type sock struct {
	c    *eio.Conn
	user int
	room int
	// seen has one bit per global message index, set atomically by this
	// socket's read loop and read once the phases are over.
	seen []atomic.Uint64

	mu   sync.Mutex
	lat  [maxPhases][]int32 // send->deliver, µs
	ack  [maxPhases][]int32 // send->ack, µs
	last [maxPhases]int64   // last delivery or ack, ns since epoch
}

type fanout struct {
	o      options
	t      target
	epoch  time.Time
	users  []user
	rooms  []string
	socks  []*sock
	phases [maxPhases]*phase
	// nPhases is stored after a phase's fields are set, so a read loop that
	// loads it sees them (the memory model knows nothing of the TCP round
	// trip in between).
	nPhases atomic.Int32
	// sentBits marks messages whose write succeeded.
	sentBits    []atomic.Uint64
	closing     atomic.Bool
	disconnects atomic.Int64
	other       atomic.Int64
	unknown     atomic.Int64
}

func (f *fanout) now() int64 { return int64(time.Since(f.epoch)) }

// phaseOf finds the phase of a message index, and its number.
func (f *fanout) phaseOf(idx int) (*phase, int) {
	n := int(f.nPhases.Load())
	for i := range n {
		p := f.phases[i]
		if idx >= p.base && idx < p.base+p.count {
			return p, i
		}
	}
	return nil, -1
}

func runFanout(ctx context.Context, o options, t target) (*report.Fanout, error) {
	f := &fanout{o: o, t: t, epoch: time.Now()}
	res := &report.Fanout{Users: o.users, SocketsPerUser: o.socketsPerUser, Rooms: o.rooms, DrainLimit: o.drain.Seconds()}
	if len(o.rates)+1 > maxPhases {
		return nil, fmt.Errorf("at most %d rates", maxPhases-1)
	}
	if o.users%o.rooms != 0 {
		return nil, fmt.Errorf("users (%d) must divide evenly into rooms (%d)", o.users, o.rooms)
	}
	// Every index the run may use, so the bitsets never grow under the
	// read loops.
	total := int(o.warmupRate * o.warmup.Seconds())
	for _, r := range o.rates {
		total += int(r * o.duration.Seconds())
	}
	words := total/64 + 1
	f.sentBits = make([]atomic.Uint64, words)

	setupStart := time.Now()
	if err := f.setup(ctx, words); err != nil {
		f.close()
		return nil, err
	}
	defer f.close()
	res.SetupS = round3(time.Since(setupStart).Seconds())
	log.Printf("fanout: %d sockets of %d users in %d rooms ready in %.1fs", len(f.socks), o.users, o.rooms, res.SetupS)

	base := 0
	add := func(name string, rate float64, d time.Duration) *phase {
		p := &phase{name: name, rate: rate, base: base, count: int(rate * d.Seconds()), interval: float64(time.Second) / rate, codes: map[string]int{}}
		base += p.count
		return p
	}
	warm := add("warmup", o.warmupRate, o.warmup)
	wres := f.run(ctx, 0, warm)
	log.Printf("fanout: warm-up %s", phaseLine(wres))
	if wres.MissingAtDeadline > 0 || wres.AckErrors > 0 {
		log.Printf("fanout: WARNING: the warm-up lost %d deliveries and had %d ack errors; the rooms may not be fully set up", wres.MissingAtDeadline, wres.AckErrors)
	}
	for i, r := range o.rates {
		p := add(fmt.Sprintf("%.0f/s", r), r, o.duration)
		pr := f.run(ctx, i+1, p)
		log.Printf("fanout: %s", phaseLine(pr))
		res.Phases = append(res.Phases, pr)
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
	}
	// Whatever is still on its way gets a last chance before it counts as
	// lost.
	f.quiet(ctx, time.Second, o.drain)
	res.LostAtEnd = f.missing(1, int(f.nPhases.Load()))
	for i := 1; i < int(f.nPhases.Load()); i++ {
		p := f.phases[i]
		res.AcksLostAtEnd += int(p.sent.Load() - p.acksOK.Load() - p.acksErr.Load())
	}
	res.Disconnects = int(f.disconnects.Load())
	res.OtherEvents = f.other.Load()
	if n := f.unknown.Load(); n > 0 {
		log.Printf("fanout: %d deliveries of messages this run never sent", n)
	}
	return res, nil
}

func (f *fanout) setup(ctx context.Context, words int) error {
	o := f.o
	var err error
	if f.users, err = f.t.users(ctx, "fan", o.users); err != nil {
		return err
	}
	perRoom := o.users / o.rooms
	f.rooms = make([]string, o.rooms)
	for r := range o.rooms {
		if f.rooms[r], err = f.t.room(ctx, f.users[r*perRoom], fmt.Sprintf("bench-%d", r)); err != nil {
			return err
		}
	}
	n := o.users * o.socketsPerUser
	f.socks = make([]*sock, n)
	d := eio.NewDialer()
	errs := make(chan error, n)
	next := make(chan int)
	var wg sync.WaitGroup
	for range 32 {
		wg.Go(func() {
			for i := range next {
				u := i / o.socketsPerUser
				s := &sock{user: u, room: u / perRoom, seen: make([]atomic.Uint64, words)}
				cctx, cancel := context.WithTimeout(ctx, 10*time.Second)
				c, err := d.Dial(cctx, o.url, f.users[u].token)
				cancel()
				if err != nil {
					errs <- fmt.Errorf("socket %d of %s: %w", i%o.socketsPerUser, f.users[u].name, err)
					continue
				}
				s.c = c
				c.OnEvent = func(p []byte) { f.onEvent(s, p) }
				c.OnAck = func(id uint64, body []byte) { f.onAck(s, id, body) }
				f.socks[i] = s
				go func() {
					c.Run()
					if !f.closing.Load() {
						f.disconnects.Add(1)
						log.Printf("fanout: socket of %s closed: %v", f.users[u].name, c.Err())
					}
				}()
			}
		})
	}
	for i := range n {
		next <- i
	}
	close(next)
	wg.Wait()
	close(errs)
	if err := <-errs; err != nil {
		return err
	}
	// One join per user: the server subscribes all of the user's sockets.
	for u := range o.users {
		cctx, cancel := context.WithTimeout(ctx, 10*time.Second)
		ack, err := f.socks[u*o.socketsPerUser].c.Call(cctx, "room:join", map[string]string{"room": f.rooms[u/perRoom]})
		cancel()
		if err != nil {
			return err
		}
		var a struct {
			OK    bool            `json:"ok"`
			Error json.RawMessage `json:"error"`
		}
		if err := json.Unmarshal(ack, &a); err != nil || !a.OK {
			return fmt.Errorf("room:join for %s: %s", f.users[u].name, ack)
		}
	}
	return nil
}

func (f *fanout) onEvent(s *sock, p []byte) {
	now := f.now()
	if !bytes.HasPrefix(p, messagePrefix) {
		f.other.Add(1)
		return
	}
	i := bytes.Index(p, clientMsgKey)
	if i < 0 {
		f.other.Add(1)
		return
	}
	idx, _, ok := eio.ParseAckID(p[i+len(clientMsgKey):])
	if !ok {
		f.other.Add(1)
		return
	}
	ph, n := f.phaseOf(int(idx))
	if ph == nil {
		f.unknown.Add(1)
		return
	}
	bit := uint64(1) << (idx % 64)
	if s.seen[idx/64].Or(bit)&bit != 0 {
		ph.dups.Add(1)
		return
	}
	us := int32(min((now-ph.due(int(idx)))/1000, 1<<31-1))
	s.mu.Lock()
	s.lat[n] = append(s.lat[n], us)
	s.last[n] = max(s.last[n], now)
	s.mu.Unlock()
	ph.delivered.Add(1)
}

func (f *fanout) onAck(s *sock, id uint64, body []byte) {
	now := f.now()
	if id < eio.AckBase {
		return
	}
	idx := int(id - eio.AckBase)
	ph, n := f.phaseOf(idx)
	if ph == nil {
		return
	}
	if !bytes.Contains(body, okTrue) {
		ph.acksErr.Add(1)
		code := "unknown"
		if i := bytes.Index(body, codeKey); i >= 0 {
			rest := body[i+len(codeKey):]
			if j := bytes.IndexByte(rest, '"'); j >= 0 {
				code = string(rest[:j])
			}
		}
		ph.codesMu.Lock()
		ph.codes[code]++
		ph.codesMu.Unlock()
		return
	}
	us := int32(min((now-ph.due(idx))/1000, 1<<31-1))
	s.mu.Lock()
	s.ack[n] = append(s.ack[n], us)
	s.last[n] = max(s.last[n], now)
	s.mu.Unlock()
	ph.acksOK.Add(1)
}

// run offers one phase and waits for it to drain.
func (f *fanout) run(ctx context.Context, n int, p *phase) report.Phase {
	o := f.o
	perRoom := len(f.socks) / o.rooms
	// A moment between setting the phase up and its first due send, so no
	// sender starts late.
	p.start = f.now() + int64(50*time.Millisecond)
	f.phases[n] = p
	f.nPhases.Store(int32(n + 1))
	startDisc := f.disconnects.Load()
	cpu := startCPU(o.pid)

	var wg sync.WaitGroup
	for u := range o.users {
		wg.Go(func() { f.send(ctx, p, u) })
	}
	wg.Wait()
	offerEnd := f.now()

	sent := int(p.sent.Load())
	expected := sent * perRoom
	deadline := offerEnd + int64(o.drain)
	drained := false
	for f.now() < deadline && ctx.Err() == nil {
		if int(p.delivered.Load()) >= expected && int(p.acksOK.Load()+p.acksErr.Load()) >= sent {
			drained = true
			break
		}
		time.Sleep(5 * time.Millisecond)
	}
	usage := cpu.stop()
	end := f.now()

	r := report.Phase{
		OfferedRate: p.rate,
		Duration:    round3(float64(p.count) * p.interval / 1e9),
		Sent:        sent,
		SendErrors:  int(p.sendErrs.Load()),
		SendLagMax:  round3(float64(p.sendLagMax.Load()) / 1e6),
		AcksOK:      int(p.acksOK.Load()),
		AckErrors:   int(p.acksErr.Load()),
		Expected:    expected,
		Delivered:   int(p.delivered.Load()),
		Duplicates:  int(p.dups.Load()),
		Drained:     drained,
		CPU:         usage,
		Disconnects: int(f.disconnects.Load() - startDisc),
	}
	r.AcksLate = r.Sent - r.AcksOK - r.AckErrors
	r.MissingAtDeadline = f.missing(n, n+1)
	p.codesMu.Lock()
	if len(p.codes) > 0 {
		r.ErrorCodes = map[string]int{}
		for k, v := range p.codes {
			r.ErrorCodes[k] = v
		}
	}
	p.codesMu.Unlock()

	var lat, ack []int32
	var last int64
	for _, s := range f.socks {
		s.mu.Lock()
		lat = append(lat, s.lat[n]...)
		ack = append(ack, s.ack[n]...)
		last = max(last, s.last[n])
		s.mu.Unlock()
	}
	r.Deliver = latency(lat, r.MissingAtDeadline)
	r.Ack = latency(ack, r.AcksLate)
	if last > p.start {
		r.DeliveriesPerSec = round3(float64(r.Delivered) / (float64(last-p.start) / 1e9))
	}
	r.DrainSeconds = round3(float64(end-offerEnd) / 1e9)
	if !drained {
		// The server is behind: let it catch up, so the next phase does not
		// start on top of this one's backlog.
		if !f.quiet(ctx, time.Second, 30*time.Second) {
			log.Printf("fanout: WARNING: the server was still delivering %s's backlog 30s after the drain deadline; the next phase starts on top of it", p.name)
		}
	} else {
		time.Sleep(time.Second)
	}
	return r
}

// send offers user u's share of phase p: every U-th message, each from the
// user's next socket in turn, on time or late but never skipped.
func (f *fanout) send(ctx context.Context, p *phase, u int) {
	o := f.o
	perRoom := o.users / o.rooms
	room := f.rooms[u/perRoom]
	buf := make([]byte, 0, 256)
	payload := make([]byte, 0, 160)
	for k := u; k < p.count; k += o.users {
		if ctx.Err() != nil {
			return
		}
		idx := p.base + k
		due := p.due(idx)
		if d := time.Duration(due - f.now()); d > 0 {
			time.Sleep(d)
		}
		s := f.socks[u*o.socketsPerUser+(k/o.users)%o.socketsPerUser]
		payload = append(payload[:0], `{"room":`...)
		payload = strconv.AppendQuote(payload, room)
		payload = append(payload, `,"text":"`+text+`","clientMsgId":"b`...)
		payload = strconv.AppendInt(payload, int64(idx), 10)
		payload = append(payload, `"}`...)
		buf = eio.AppendEvent(buf[:0], eio.AckBase+uint64(idx), true, "message:send", payload)
		err := s.c.Send(buf)
		lag := f.now() - due
		for {
			m := p.sendLagMax.Load()
			if lag <= m || p.sendLagMax.CompareAndSwap(m, lag) {
				break
			}
		}
		if err != nil {
			p.sendErrs.Add(1)
			continue
		}
		f.sentBits[idx/64].Or(uint64(1) << (idx % 64))
		p.sent.Add(1)
	}
}

// missing counts the deliveries of phases [from, to) that were sent but
// not received, one per socket of the sender's room.
func (f *fanout) missing(from, to int) int {
	perRoom := f.o.users / f.o.rooms
	byRoom := make([][]*sock, f.o.rooms)
	for _, s := range f.socks {
		byRoom[s.room] = append(byRoom[s.room], s)
	}
	n := 0
	for i := from; i < to; i++ {
		p := f.phases[i]
		if p == nil {
			continue
		}
		for idx := p.base; idx < p.base+p.count; idx++ {
			bit := uint64(1) << (idx % 64)
			if f.sentBits[idx/64].Load()&bit == 0 {
				continue
			}
			k := idx - p.base
			room := (k % f.o.users) / perRoom
			for _, s := range byRoom[room] {
				if s.seen[idx/64].Load()&bit == 0 {
					n++
				}
			}
		}
	}
	return n
}

// quiet waits until no delivery has arrived for gap (true), or limit
// passes (false).
func (f *fanout) quiet(ctx context.Context, gap, limit time.Duration) bool {
	total := func() int64 {
		var n int64
		for i := range int(f.nPhases.Load()) {
			n += f.phases[i].delivered.Load() + f.phases[i].acksOK.Load() + f.phases[i].acksErr.Load()
		}
		return n + f.other.Load()
	}
	end := time.Now().Add(limit)
	last, lastChange := total(), time.Now()
	for time.Now().Before(end) && ctx.Err() == nil {
		time.Sleep(50 * time.Millisecond)
		if n := total(); n != last {
			last, lastChange = n, time.Now()
		} else if time.Since(lastChange) >= gap {
			return true
		}
	}
	return false
}

func (f *fanout) close() {
	f.closing.Store(true)
	var wg sync.WaitGroup
	sem := make(chan struct{}, 64)
	for _, s := range f.socks {
		if s == nil || s.c == nil {
			continue
		}
		sem <- struct{}{}
		wg.Go(func() {
			defer func() { <-sem }()
			_ = s.c.Close()
		})
	}
	wg.Wait()
}

func phaseLine(r report.Phase) string {
	return fmt.Sprintf("offered %.0f msg/s: sent %d, acks ok %d err %d, deliveries %d/%d (%.0f/s), p99 deliver %.1f ms, p99 ack %.1f ms, drained %v, cpu server %.2f gen %.2f",
		r.OfferedRate, r.Sent, r.AcksOK, r.AckErrors, r.Delivered, r.Expected, r.DeliveriesPerSec, r.Deliver.P99, r.Ack.P99, r.Drained, r.CPU.Server, r.CPU.Generator)
}
