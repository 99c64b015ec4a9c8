package tmx

import (
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/bitext/bitext"
	"github.com/bitext/bitext/format/internal/fixture"
	"github.com/bitext/bitext/format/internal/xmlx"
)

var update = flag.Bool("update", false, "rewrite golden files")

var testHeader = Header{ToolVersion: "1.2.3", Created: time.Date(2025, 3, 6, 12, 0, 0, 0, time.UTC), CreatedBy: "export", Note: "bitext test memory"}

// units makes encoder units of the fixture cases, all of them (whatever
// their status) unless filter is set.
func units(filter *Filter) []Unit {
	var us []Unit
	for _, c := range fixture.Cases() {
		if filter != nil && !filter.Keep(&c.Pair) {
			continue
		}
		u := Unit{Pair: c.Pair, GlossaryVersion: "12"}
		if c.Pair.Origin == bitext.OriginModel {
			u.Model = "gpt-4.1-mini"
		}
		us = append(us, u)
	}
	return us
}

func encode(t testing.TB, h Header, us []Unit) []byte {
	t.Helper()
	var buf bytes.Buffer
	e := NewEncoder(&buf, h)
	for _, u := range us {
		if err := e.Encode(u); err != nil {
			t.Fatal(err)
		}
	}
	if err := e.Close(); err != nil {
		t.Fatal(err)
	}
	if e.Count() != len(us) {
		t.Fatalf("Count %d, want %d", e.Count(), len(us))
	}
	return buf.Bytes()
}

func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.MkdirAll("testdata", 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to write it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs from the output (go test -update rewrites it); got:\n%s", path, got)
	}
}

// export is a memory the golden, validation and client tests check.
type export struct {
	units []Unit
	data  []byte
}

func exports(t *testing.T) map[string]export {
	approved := Filter{}
	all, some := units(nil), units(&approved)
	return map[string]export{
		"all.tmx.golden":      {all, encode(t, testHeader, all)},
		"approved.tmx.golden": {some, encode(t, Header{ToolVersion: "1.2.3"}, some)},
		"empty.tmx.golden":    {nil, encode(t, Header{}, nil)},
	}
}

func TestEncodeGolden(t *testing.T) {
	for name, x := range exports(t) {
		t.Run(name, func(t *testing.T) { golden(t, name, x.data) })
	}
}

func TestEncodeControlsAndMarkup(t *testing.T) {
	data := encode(t, Header{}, units(nil))
	for _, bad := range []string{"\x01", "\x0b", "\x1f", "a < b", "&&"} {
		if bytes.Contains(data, []byte(bad)) {
			t.Errorf("output holds %q", bad)
		}
	}
	for _, good := range []string{"a &lt; b &amp;&amp; c &gt; d", "🙂", "&#13;\nвторая строка\tтаб", `changeid="anna &lt;a&amp;b&gt;"`, "'апостроф' конец"} {
		if !bytes.Contains(data, []byte(good)) {
			t.Errorf("output lacks %q", good)
		}
	}
}

func TestEncodeDates(t *testing.T) {
	data := string(encode(t, Header{}, []Unit{{Pair: fixture.Cases()[3].Pair}}))
	for _, want := range []string{`creationdate="20250302T093000Z"`, `changedate="20250302T093000Z"`, `changeid="boris"`, `creationid="bitext"`} {
		if !strings.Contains(data, want) {
			t.Errorf("no %s in\n%s", want, data)
		}
	}
	created := time.Date(2024, 1, 2, 3, 4, 5, 0, time.FixedZone("MSK", 3*3600))
	data = string(encode(t, Header{}, []Unit{{Pair: fixture.Cases()[6].Pair, Created: created, CreatedBy: "importer"}}))
	for _, want := range []string{`creationdate="20240102T000405Z"`, `creationid="importer"`} {
		if !strings.Contains(data, want) {
			t.Errorf("no %s in\n%s", want, data)
		}
	}
	if strings.Contains(data, "changedate") {
		t.Errorf("a pair without dates has a changedate:\n%s", data)
	}
}

func TestFilter(t *testing.T) {
	cases := fixture.Cases()
	keep := func(f Filter) []int64 {
		var ids []int64
		for _, c := range cases {
			if f.Keep(&c.Pair) {
				ids = append(ids, c.Pair.ID)
			}
		}
		return ids
	}
	for _, tc := range []struct {
		name string
		f    Filter
		want []int64
	}{
		{"default: approved", Filter{}, []int64{101, 109, 110}},
		{"approved and drafts with both texts", Filter{Statuses: []bitext.Status{bitext.StatusApproved, bitext.StatusDraft}}, []int64{101, 102, 103, 104, 108, 109, 110, 111}},
		{"human origin", Filter{Statuses: []bitext.Status{bitext.StatusApproved, bitext.StatusDraft}, Origins: []bitext.Origin{bitext.OriginHuman}}, []int64{104, 110, 111}},
		{"confidence", Filter{MinConfidence: 0.95}, []int64{101}},
	} {
		if got := keep(tc.f); !equal(got, tc.want) {
			t.Errorf("%s: kept %v, want %v", tc.name, got, tc.want)
		}
	}
}

func equal(a, b []int64) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

type failWriter struct{ n int }

func (w *failWriter) Write(p []byte) (int, error) {
	if w.n -= len(p); w.n < 0 {
		return 0, errors.New("disk full")
	}
	return len(p), nil
}

func TestEncodeWriteError(t *testing.T) {
	e := NewEncoder(&failWriter{n: 100}, Header{})
	var err error
	for _, u := range units(nil) {
		if err = e.Encode(u); err != nil {
			break
		}
	}
	if err == nil {
		err = e.Close()
	}
	if err == nil || !strings.Contains(err.Error(), "disk full") {
		t.Fatalf("error %v, want disk full", err)
	}
	if err2 := e.Close(); err2 == nil {
		t.Error("Close after an error returned nil")
	}
}

func TestValidate(t *testing.T) {
	for name, x := range exports(t) {
		t.Run(name, func(t *testing.T) {
			fixture.Xmllint(t, x.data, "out.tmx", "--dtdvalid", fixture.Formats+"/tmx14.dtd")
			fixture.Xmllint(t, x.data, "out.tmx", "--schema", fixture.Formats+"/tmx14.xsd")
		})
	}
}

// toolkitTMX prints the units translate-toolkit reads from a TMX on
// standard input.
const toolkitTMX = `
import sys, json
from translate.storage import tmx
store = tmx.tmxfile.parsestring(sys.stdin.buffer.read())
print(json.dumps([{"source": u.source, "target": u.target} for u in store.units if not u.isheader()]))
`

func TestTranslateToolkitReads(t *testing.T) {
	for name, x := range exports(t) {
		t.Run(name, func(t *testing.T) {
			var got []struct{ Source, Target string }
			if err := json.Unmarshal(fixture.Toolkit(t, toolkitTMX, x.data), &got); err != nil {
				t.Fatal(err)
			}
			if len(got) != len(x.units) {
				t.Fatalf("translate-toolkit reads %d units, we wrote %d", len(got), len(x.units))
			}
			for i, u := range x.units {
				// translate-toolkit keeps white space as written (line
				// ends normalised); we write the cleaned text
				want := func(s string) string { return strings.ReplaceAll(xmlx.Clean(s), "\r\n", "\n") }
				if strings.ReplaceAll(got[i].Source, "\r\n", "\n") != want(u.Pair.RU) || strings.ReplaceAll(got[i].Target, "\r\n", "\n") != want(u.Pair.EN) {
					t.Errorf("unit %d: translate-toolkit %q → %q, we wrote %q → %q", i, got[i].Source, got[i].Target, u.Pair.RU, u.Pair.EN)
				}
			}
		})
	}
}
