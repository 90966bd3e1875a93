package mongo

import (
	"slices"
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo/options"
)

// TestIndexModels checks the indexes of docs/data-model.md: keys, uniqueness,
// partial/sparse filters and the TTL.
func TestIndexModels(t *testing.T) {
	type index struct {
		keys    string
		unique  bool
		sparse  bool
		partial string
		ttl     int32
		expires bool // a TTL index, whatever its ttl (0: at the indexed time)
	}
	want := map[string][]index{
		"users":       {{keys: `{"username":1}`, unique: true}},
		"rooms":       {{keys: `{"name":1}`}, {keys: `{"directKey":1}`, unique: true, sparse: true}},
		"memberships": {{keys: `{"userId":1,"roomId":1}`, unique: true}, {keys: `{"roomId":1}`}},
		"messages": {{keys: `{"roomId":1,"seq":1}`, unique: true}, {keys: `{"senderId":1,"clientMsgId":1}`, unique: true, partial: `{"clientMsgId":{"$exists":true}}`},
			{keys: `{"roomId":1,"rev":1}`, partial: `{"changed":true}`}, {keys: `{"roomId":1,"replyTo":1,"seq":1}`, partial: `{"replyTo":{"$exists":true}}`},
			{keys: `{"roomId":1,"grams":1}`}, {keys: `{"roomId":1,"createdAt":-1,"_id":-1}`}},
		"services":         {{keys: `{"appId":1}`, unique: true}},
		"assistant_memory": {{keys: `{"roomId":1}`, unique: true}, {keys: `{"updatedAt":1}`, ttl: 7200, expires: true}},
		"knowledge":        {{keys: `{"roomId":1,"question":1}`, unique: true}},
		"revocations":      {{keys: `{"at":1}`}, {keys: `{"expires":1}`, ttl: 60, expires: true}},
		"files": {{keys: `{"createdAt":1,"_id":1}`, partial: `{"orphan":true}`},
			{keys: `{"messageId":1}`, partial: `{"messageId":{"$exists":true}}`}},
		"files.files": {{keys: `{"filename":1}`, unique: true}},
	}
	ext := func(v any) string {
		b, err := bson.MarshalExtJSON(v, false, false)
		if err != nil {
			t.Fatal(err)
		}
		return string(b)
	}
	got := map[string][]index{}
	names := map[string]bool{}
	for _, c := range indexModels(2 * time.Hour) {
		for _, m := range c.models {
			var o options.IndexOptions
			for _, set := range m.Options.List() {
				if err := set(&o); err != nil {
					t.Fatal(err)
				}
			}
			if o.Name == nil || names[c.collection+"."+*o.Name] {
				t.Errorf("%s %s: every index needs a name of its own, got %v", c.collection, ext(m.Keys), o.Name)
			} else {
				names[c.collection+"."+*o.Name] = true
			}
			ix := index{keys: ext(m.Keys)}
			if o.Unique != nil {
				ix.unique = *o.Unique
			}
			if o.Sparse != nil {
				ix.sparse = *o.Sparse
			}
			if o.PartialFilterExpression != nil {
				ix.partial = ext(o.PartialFilterExpression)
			}
			if o.ExpireAfterSeconds != nil {
				ix.ttl, ix.expires = *o.ExpireAfterSeconds, true
			}
			got[c.collection] = append(got[c.collection], ix)
		}
	}
	for col, w := range want {
		if !slices.Equal(got[col], w) {
			t.Errorf("%s indexes:\n got %+v\nwant %+v", col, got[col], w)
		}
	}
	if len(got) != len(want) {
		t.Errorf("indexes for %d collections, want %d", len(got), len(want))
	}
}

func TestSetTTL(t *testing.T) {
	b, err := bson.MarshalExtJSON(setTTL(48*time.Hour), false, false)
	if err != nil {
		t.Fatal(err)
	}
	if want := `{"collMod":"assistant_memory","index":{"name":"updatedAt_ttl","expireAfterSeconds":172800}}`; string(b) != want {
		t.Errorf("collMod = %s, want %s", b, want)
	}
	for d, want := range map[time.Duration]int32{0: 1, time.Millisecond: 1, time.Hour: 3600, 1 << 62: 1<<31 - 1} {
		if got := ttlSeconds(d); got != want {
			t.Errorf("ttlSeconds(%v) = %d, want %d", d, got, want)
		}
	}
}
