// Package parleyclient is the Go SDK of Parley: bots, services and tools
// log in, connect over Socket.IO and talk to the server with typed calls
// and typed event handlers, in the shapes of package protocol.
//
//	sess, err := parleyclient.Login(ctx, "http://localhost:8080", "alice", "correct-horse-9")
//	c, err := parleyclient.Dial(ctx, "http://localhost:8080", sess.Token, parleyclient.Options{
//		OnMessage: func(c *parleyclient.Client, m protocol.Message) { ... },
//	})
//	defer c.Close()
//	msg, err := c.Send(ctx, parleyclient.SendRequest{Room: "general", Text: "hello"})
//
// Messages reach OnMessage in seq order per room, exactly once, across
// reconnects: the client remembers the last seq it delivered per room,
// asks the server for what it missed (`sync`) on every (re)connect, drops
// what it already delivered and fills any gap before delivering a later
// message. Every handler runs on one goroutine, in the order the events
// arrived; a handler that blocks holds back the ones after it.
//
// Services offer skills to the assistant with RegisterSkill; the client
// offers them again after every reconnect.
package parleyclient
