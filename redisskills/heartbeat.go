package redisskills

import (
	"context"
	"time"
)

// beat renews this node's hash every TTL/3 until Close. A hash that is
// gone although the node lives (Redis restarted, or could not be reached
// for longer than the TTL) is written again, each registration checked
// anew, as are those registered while Redis was out of reach.
func (c *Cluster) beat() {
	defer c.wg.Done()
	t := time.NewTicker(c.cfg.TTL / 3)
	defer t.Stop()
	failing := false
	for {
		select {
		case <-c.stop.Done():
			return
		case <-t.C:
		}
		err := c.renew()
		switch {
		case c.stop.Err() != nil:
			return // closing: the renewal was cut short, not failed
		case err != nil && !failing:
			c.log.Warn("skill heartbeat failed: other nodes drop this node's skills after the TTL unless Redis answers again", "ttl", c.cfg.TTL, "err", err)
		case err == nil && failing:
			c.log.Info("skill heartbeat restored")
		}
		failing = err != nil
	}
}

func (c *Cluster) renew() error {
	c.writing.Lock()
	defer c.writing.Unlock()
	ctx, cancel := context.WithTimeout(c.stop, c.cfg.OpTimeout)
	defer cancel()
	alive, err := c.cfg.Client.PExpire(ctx, c.keys.node(c.cfg.NodeID), c.cfg.TTL).Result()
	if err != nil {
		return err
	}
	c.mu.Lock()
	var todo []*claim
	for _, cl := range c.claims {
		if !alive && cl.state == published {
			cl.state = pending
		}
		if cl.state == pending {
			todo = append(todo, cl)
		}
	}
	c.mu.Unlock()
	for _, cl := range todo {
		err := c.claim(ctx, cl)
		if cl.state == refused {
			c.log.Warn("a skill offered while Redis was out of reach is another service's in the cluster: offered on this node only", "skill", cl.entry.Skill.Name, "err", err)
			continue
		}
		if err != nil {
			return err
		}
	}
	return nil
}
