package wstransport

import (
	"bytes"
	"strings"
	"testing"

	"github.com/zishang520/socket.io/parsers/engine/v3/packet"
	"github.com/zishang520/socket.io/v3/pkg/types"
)

// Frames of every length class (RFC 6455 §5.2: 7-bit, 16-bit and 64-bit
// lengths) read back, through gorilla's client, as what was sent.
func TestFramesReadBackAtEveryLengthClass(t *testing.T) {
	srv := newWSServer(t, New(testConfig(Config{})))
	c, peer := srv.dial(t, nil)
	for _, n := range []int{0, 1, 124, 125, 126, 65534, 65535, 1 << 20} {
		text := strings.Repeat("x", n)
		c.Send([]*packet.Packet{message(text)})
		if got := readText(t, peer); got != "4"+text {
			t.Fatalf("length %d: got %d bytes", n, len(got))
		}
	}
}

func TestBroadcastBufferIsFramedOnce(t *testing.T) {
	var c frameCache
	a := types.NewStringBufferString(`42["message",{"text":"hi"}]`)
	b := types.NewStringBufferString(`42["message",{"text":"hi"}]`)
	f1, f2 := c.frame(a), c.frame(a)
	if &f1[0] != &f2[0] || c.builds.Load() != 1 {
		t.Fatalf("one buffer framed %d times", c.builds.Load())
	}
	if f3 := c.frame(b); &f3[0] == &f1[0] || !bytes.Equal(f3, f1) {
		t.Fatal("an equal buffer of another broadcast shared the first one's frame")
	}
	if !strings.HasSuffix(string(f1), a.String()) || f1[0] != 0x81 {
		t.Fatalf("frame % x", f1[:2])
	}
	if bin := c.frame(types.NewBytesBuffer([]byte{1, 2})); bin[0] != 0x82 {
		t.Fatalf("a binary buffer framed as opcode %x", bin[0]&0x0f)
	}
}

// Broadcasts from several goroutines at once, more than there are slots,
// still give each recipient its own broadcast's bytes.
func TestConcurrentBroadcastsGetTheirOwnFrames(t *testing.T) {
	var c frameCache
	done := make(chan error)
	for g := range 2 * frameSlots {
		go func() {
			for i := range 200 {
				want := `42["m",` + strings.Repeat("y", g) + `,` + strings.Repeat("z", i%7) + `]`
				buf := types.NewStringBufferString(want)
				for range 3 {
					if f := c.frame(buf); !strings.HasSuffix(string(f), want) {
						done <- &frameError{got: string(f), want: want}
						return
					}
				}
			}
			done <- nil
		}()
	}
	for range 2 * frameSlots {
		if err := <-done; err != nil {
			t.Fatal(err)
		}
	}
}

type frameError struct{ got, want string }

func (e *frameError) Error() string { return "frame " + e.got + ", want " + e.want }
