package app

import (
	"reflect"
	"strings"
	"testing"
)

func TestLoadConfigLimits(t *testing.T) {
	c, err := LoadConfig(envOf(nil), nil)
	if err != nil {
		t.Fatal(err)
	}
	got := []any{c.WriteRate, c.WriteBurst, c.ReadRate, c.ReadBurst, c.TypingRate, c.TypingBurst, c.RoomCreateRate, c.RoomCreateBurst,
		c.LoginRate, c.LoginBurst, c.AuthIPRate, c.AuthIPBurst, c.MaxConnsPerUser, c.MaxConnsPerIP, len(c.TrustedProxies)}
	want := []any{10.0, 100, 10.0, 50, 2.0, 10, 0.1, 10, 0.05, 10, 1.0, 30, 20, 500, 0}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("defaults = %v, want %v", got, want)
	}

	c, err = LoadConfig(envOf(map[string]string{
		"PARLEY_WRITE_RATE":               "3",
		"PARLEY_LOGIN_BURST":              "4",
		"PARLEY_MAX_CONNECTIONS_PER_USER": "0",
		"PARLEY_TRUSTED_PROXIES":          " 10.0.0.0/8, 192.0.2.7 ,2001:db8::1",
	}), []string{"-auth-ip-rate=0.5", "-max-connections-per-ip=7"})
	if err != nil {
		t.Fatal(err)
	}
	var nets []string
	for _, n := range c.TrustedProxies {
		nets = append(nets, n.String())
	}
	if c.WriteRate != 3 || c.LoginBurst != 4 || c.MaxConnsPerUser != 0 || c.AuthIPRate != 0.5 || c.MaxConnsPerIP != 7 ||
		strings.Join(nets, ",") != "10.0.0.0/8,192.0.2.7/32,2001:db8::1/128" {
		t.Errorf("set: %+v, proxies %v", c, nets)
	}

	for env, v := range map[string]string{
		"PARLEY_TRUSTED_PROXIES": "10.0.0.0/8,nginx",
		"PARLEY_READ_RATE":       "0",
		"PARLEY_TYPING_BURST":    "-1",
	} {
		if _, err := LoadConfig(envOf(map[string]string{env: v}), nil); err == nil || !strings.Contains(err.Error(), env) {
			t.Errorf("%s=%q: error %v, want one naming it", env, v, err)
		}
	}
}
