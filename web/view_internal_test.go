package web

import (
	"reflect"
	"testing"
	"time"

	"github.com/bitext/bitext"
)

// TestPairViewHasEveryField: pairView copies the pair's fields (templates
// read them there, not through an embedded Pair, for speed), so every
// field of bitext.Pair must be in it, with its value. A field added to
// bitext.Pair fails here until pairView and view copy it.
func TestPairViewHasEveryField(t *testing.T) {
	var p bitext.Pair
	pv := reflect.ValueOf(&p).Elem()
	for i := range pv.NumField() {
		fill(t, pv.Field(i), i+1)
	}
	v := view(p, nil, 0.5)
	vv := reflect.ValueOf(v)
	for i := range pv.NumField() {
		f := pv.Type().Field(i)
		got := vv.FieldByName(f.Name)
		if !got.IsValid() {
			t.Errorf("pairView has no field %s (of bitext.Pair): templates cannot show it", f.Name)
			continue
		}
		if got.Type() != f.Type {
			t.Errorf("pairView.%s is %s, bitext.Pair's is %s", f.Name, got.Type(), f.Type)
			continue
		}
		if !reflect.DeepEqual(got.Interface(), pv.Field(i).Interface()) {
			t.Errorf("view does not copy %s: %v, want %v", f.Name, got.Interface(), pv.Field(i).Interface())
		}
	}
	if !reflect.DeepEqual(v.Pair, p) {
		t.Errorf("view's Pair %+v, want %+v", v.Pair, p)
	}
}

// fill sets v to a value that is not its zero value, made from n.
func fill(t *testing.T, v reflect.Value, n int) {
	switch v.Kind() {
	case reflect.String:
		v.SetString("x" + string(rune('a'+n%26)))
	case reflect.Int, reflect.Int64:
		v.SetInt(int64(n))
	case reflect.Float64:
		v.SetFloat(float64(n) / 100)
	case reflect.Bool:
		v.SetBool(true)
	case reflect.Slice:
		s := reflect.MakeSlice(v.Type(), 1, 1)
		fill(t, s.Index(0), n)
		v.Set(s)
	case reflect.Struct:
		for i := range v.NumField() {
			if v.Type().Field(i).IsExported() {
				fill(t, v.Field(i), n+i)
			}
		}
	case reflect.Interface:
	default:
		t.Fatalf("fill: a field of kind %s: teach fill to set it", v.Kind())
	}
}

// TestSessionsBounded: a client that never keeps its cookie cannot grow
// the sessions without bound; the sessions in use survive.
func TestSessionsBounded(t *testing.T) {
	now := time.Date(2026, 12, 3, 0, 0, 0, 0, time.UTC)
	ss := newSessions(func() time.Time { return now })
	kept := ss.start("alice")
	for i := 0; i < maxSessions+500; i++ {
		now = now.Add(time.Millisecond)
		if i%1000 == 0 { // alice keeps using hers
			ss.mu.Lock()
			kept.expires = now.Add(sessionTTL)
			ss.mu.Unlock()
		}
		ss.start("")
	}
	if n := len(ss.m); n > maxSessions {
		t.Fatalf("%d sessions kept, want at most %d", n, maxSessions)
	}
	if ss.m[kept.id] == nil {
		t.Fatal("the session in use was dropped")
	}
}
