package xliff

import (
	"bytes"
	"io"
	"runtime"
	"strconv"
	"strings"
	"testing"

	"github.com/bitext/bitext"
	"github.com/bitext/bitext/format/internal/fixture"
	"github.com/bitext/bitext/format/internal/xmlx"
)

func TestRoundTrip(t *testing.T) {
	us := units()
	got, err := ReadAll(bytes.NewReader(encode(t, testHeader, us)), Options{})
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != len(us) {
		t.Fatalf("read %d units, wrote %d", len(got), len(us))
	}
	for i, u := range us {
		g, p := got[i], u.Pair
		status := p.Status
		if status == "" {
			status = bitext.StatusDraft
		}
		wantEN := xmlx.Space(xmlx.Clean(p.EN))
		if TargetState(&p).EmptyTarget {
			wantEN = ""
		}
		file := u.File
		if file == "" {
			file = "doc-7"
		}
		if g.ID != "p"+strconv.FormatInt(p.ID, 10) || !g.Ref || g.Pair != p.ID || g.Doc != p.Doc || g.Version != p.Version || g.Status != status ||
			g.Source != xmlx.Space(xmlx.Clean(p.RU)) || g.Target != wantEN || !g.HasTarget || g.File != file {
			t.Errorf("unit %d: %+v\nfrom %+v", i, g, p)
		}
		if row := TargetState(&p); g.State != row.State || g.Qualifier != row.Qualifier {
			t.Errorf("unit %d: state %s/%s, wrote %s/%s", i, g.State, g.Qualifier, row.State, row.Qualifier)
		}
		last := g.Notes[len(g.Notes)-1]
		if last.From != Tool || last.Priority != PriorityInfo || !strings.HasPrefix(last.Text, "bitext: ") {
			t.Errorf("unit %d: notes %+v", i, g.Notes)
		}
	}
	if n := got[1].Notes; len(n) != 6 || n[0].Priority != PriorityError || n[2].Priority != PriorityWarning {
		t.Errorf("notes of the 2-1 pair: %+v", n)
	}
}

// catTool is a file as CAT tools give it back: namespaces and their
// elements and attributes, groups, alt-trans, mrk in the target, inline
// codes, state variants, extradata dropped.
const catTool = `<?xml version="1.0" encoding="utf-8"?>
<xliff xmlns="urn:oasis:names:tc:xliff:document:1.2" xmlns:mq="MQXliff" xmlns:sdl="http://sdl.com/FileTypes/SdlXliff/1.0" version="1.2">
  <file original="doc-7" source-language="ru-RU" target-language="en-US" datatype="plaintext">
    <header><sdl:file-info><sdl:value key="x">y</sdl:value></sdl:file-info><note>file note</note></header>
    <body>
      <group id="g1">
        <trans-unit id="p101" mq:status="ManuallyConfirmed" extradata="bitext doc=7 pair=101 version=3" approved="yes">
          <source>Совет   директоров
            утвердил <g id="1" ctype="bold">отчёт</g>.</source>
          <seg-source><mrk mtype="seg" mid="1">Совет директоров утвердил отчёт.</mrk></seg-source>
          <target state="translated"><mrk mtype="seg" mid="1">The <g id="1">board</g> approved<x id="2"/> the report.</mrk></target>
          <alt-trans match-quality="75"><source>Совет</source><target>Board</target></alt-trans>
          <mq:historical-unit><target>old</target></mq:historical-unit>
          <note from="reviewer" priority="2">fine</note>
        </trans-unit>
      </group>
      <trans-unit id="p102">
        <source>Выручка <ph id="1">{1}</ph>выросла<bpt id="2">&lt;b&gt;</bpt> на 5 %<ept id="2">&lt;/b&gt;</ept>.</source>
        <target state="signed-off">Revenue <ph id="1">&lt;fn <sub>note</sub>/&gt;</ph>grew<bpt id="2">&lt;b&gt;</bpt> by 5%<ept id="2">&lt;/b&gt;</ept>.</target>
      </trans-unit>
      <trans-unit id="p105" extradata="bitext doc=7 pair=105 version=4">
        <source>Вопрос снят с повестки.</source>
        <target state="needs-translation">The question is removed from the agenda.</target>
      </trans-unit>
      <trans-unit id="p106" extradata="bitext doc=7 pair=106 version=1">
        <source>Приложение 1.</source>
        <target state="needs-translation"/>
      </trans-unit>
      <trans-unit id="p107" approved="no" extradata="bitext doc=7 pair=107 version=0">
        <source>Подписи.</source>
        <target state="final">Signatures.</target>
      </trans-unit>
      <trans-unit id="u9"><source>Без цели</source></trans-unit>
      <bin-unit id="b1" mime-type="image/png"><bin-source><external-file href="a.png"/></bin-source></bin-unit>
    </body>
  </file>
  <file original="other" source-language="ru" datatype="plaintext"><body>
    <trans-unit id="p200" extradata="bitext doc=9"><source>Ещё</source><target state="x-memoq-locked">More</target></trans-unit>
  </body></file>
</xliff>`

func TestDecodeCATTool(t *testing.T) {
	got, err := ReadAll(strings.NewReader(catTool), Options{})
	if err != nil {
		t.Fatal(err)
	}
	want := []TransUnit{
		{Line: 7, File: "doc-7", ID: "p101", Doc: 7, Pair: 101, Version: 3, Ref: true, Source: "Совет директоров утвердил отчёт.",
			Target: "The board approved the report.", HasTarget: true, State: "translated", Approved: "yes", Status: bitext.StatusApproved,
			Notes: []Note{{From: "reviewer", Priority: 2, Text: "fine"}}},
		{Line: 17, File: "doc-7", ID: "p102", Pair: 102, Source: "Выручка выросла на 5 %.", Target: "Revenue notegrew by 5%.", HasTarget: true,
			State: "signed-off", Status: bitext.StatusApproved},
		{Line: 21, File: "doc-7", ID: "p105", Doc: 7, Pair: 105, Version: 4, Ref: true, Source: "Вопрос снят с повестки.",
			Target: "The question is removed from the agenda.", HasTarget: true, State: "needs-translation", Status: bitext.StatusRejected},
		{Line: 25, File: "doc-7", ID: "p106", Doc: 7, Pair: 106, Version: 1, Ref: true, Source: "Приложение 1.", HasTarget: true,
			State: "needs-translation", Status: bitext.StatusDraft},
		{Line: 29, File: "doc-7", ID: "p107", Doc: 7, Pair: 107, Version: 0, Ref: true, Source: "Подписи.", Target: "Signatures.", HasTarget: true,
			State: "final", Approved: "no", Status: bitext.StatusDraft},
		{Line: 33, File: "doc-7", ID: "u9", Source: "Без цели", Status: bitext.StatusDraft},
		{Line: 38, File: "other", ID: "p200", Doc: 9, Pair: 200, Source: "Ещё", Target: "More", HasTarget: true, State: "x-memoq-locked", Status: bitext.StatusDraft},
	}
	if len(got) != len(want) {
		t.Fatalf("got %d units: %+v", len(got), got)
	}
	for i := range want {
		if !same(got[i], want[i]) {
			t.Errorf("unit %d:\n got %+v\nwant %+v", i, got[i], want[i])
		}
	}
}

func same(a, b TransUnit) bool {
	if len(a.Notes) != len(b.Notes) {
		return false
	}
	for i := range a.Notes {
		if a.Notes[i] != b.Notes[i] {
			return false
		}
	}
	a.Notes, b.Notes = nil, nil
	return a.Line == b.Line && a.File == b.File && a.ID == b.ID && a.Doc == b.Doc && a.Pair == b.Pair && a.Version == b.Version &&
		a.Ref == b.Ref && a.Source == b.Source && a.Target == b.Target && a.HasTarget == b.HasTarget && a.State == b.State &&
		a.Qualifier == b.Qualifier && a.Approved == b.Approved && a.Status == b.Status
}

const one = `<trans-unit id="p1"><source>Да</source><target>Yes</target></trans-unit>`

func doc(prolog, body string) string {
	return `<?xml version="1.0"?>` + "\n" + prolog + "\n" + `<xliff version="1.2" xmlns="urn:oasis:names:tc:xliff:document:1.2"><file original="a" source-language="ru" datatype="plaintext">` +
		"\n<body>\n" + body + "\n</body></file></xliff>\n"
}

func TestDecodeRefuses(t *testing.T) {
	for _, tc := range []struct {
		name, data, want string
	}{
		{"entity declaration", doc(`<!DOCTYPE xliff [<!ENTITY a "aaaa">]>`, one), "line 2: <!DOCTYPE refused"},
		{"billion laughs", doc(`<!DOCTYPE xliff [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;"><!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">]>`, `<trans-unit id="p1"><source>&c;</source></trans-unit>`), "line 2: <!DOCTYPE refused"},
		{"external entity", doc(`<!DOCTYPE xliff [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>`, `<trans-unit id="p1"><source>&xxe;</source></trans-unit>`), "<!DOCTYPE refused"},
		{"plain doctype", doc(`<!DOCTYPE xliff SYSTEM "xliff.dtd">`, one), "line 2: <!DOCTYPE refused"},
		{"entity outside doctype", doc(`<!ENTITY a "x">`, one), "line 2: markup declaration <!ENTITY"},
		{"undeclared entity", doc("", "<trans-unit id=\"p1\">\n<source>&xxe;</source></trans-unit>"), "line 6: invalid character entity &xxe;"},
		{"xliff 2", `<xliff xmlns="urn:oasis:names:tc:xliff:document:2.0" version="2.0" srcLang="ru"><file id="f"><unit id="u"><segment><source>a</source></segment></unit></file></xliff>`, "line 1: XLIFF 2.0 is not supported"},
		{"not xliff", `<tmx version="1.4"/>`, "line 1: root element <tmx>, want <xliff>"},
		{"empty", ``, "no root element"},
		{"truncated", doc("", one)[:200], "unexpected EOF"},
		{"bad nesting", doc("", `<trans-unit id="p1"><source>x</target></trans-unit>`), "line 5: element <source> closed by </target>"},
		{"second root", doc("", one) + "<xliff/>", "line 7: a second root element <xliff>"},
		{"text before the root", "junk" + doc("", one), "line 1: text outside the root"},
		{"no id", doc("", `<trans-unit><source>x</source></trans-unit>`), "line 5: <trans-unit> without an id"},
		{"control character", doc("", `<trans-unit id="p1"><source>x&#1;</source></trans-unit>`), "line 5: illegal character code U+0001"},
		{"long token", doc("", `<trans-unit id="p1"><source>`+strings.Repeat("я", 3000)+`</source></trans-unit>`), "line 5: a token (text, tag or declaration) longer than 4096 bytes"},
		{"long text", doc("", `<trans-unit id="p1"><source>`+strings.Repeat("<g id=\"1\">"+strings.Repeat("x", 1000)+"</g>", 11)+`</source></trans-unit>`), "a <source> longer than 10000 bytes"},
		{"deep", doc("", `<trans-unit id="p1"><source>`+strings.Repeat("<g id=\"1\">", 100)+strings.Repeat("</g>", 100)+`</source></trans-unit>`), "nested deeper than 64"},
		{"many notes", doc("", `<trans-unit id="p1"><source>x</source>`+strings.Repeat("<note>n</note>", 20)+`</trans-unit>`), "more than 10 notes"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			units, err := ReadAll(strings.NewReader(tc.data), Options{Limits: xmlx.Limits{MaxToken: 4096}, MaxText: 10000, MaxNotes: 10})
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("error %v, want one with %q", err, tc.want)
			}
			if !strings.HasPrefix(err.Error(), "xliff") || units != nil {
				t.Errorf("error %q, units %v", err, units)
			}
		})
	}
}

func TestDecodeStreaming(t *testing.T) {
	d := NewDecoder(strings.NewReader(doc("", one+"\n<trans-unit id=\"p2\"><source>&bad;</source></trans-unit>")), Options{})
	u, err := d.Next()
	if err != nil || u.Target != "Yes" {
		t.Fatalf("first unit: %+v, %v", u, err)
	}
	if _, err = d.Next(); err == nil || !strings.Contains(err.Error(), "line 6") {
		t.Fatalf("second: %v", err)
	}
	if _, err2 := d.Next(); err2 != err {
		t.Errorf("the error does not stick: %v", err2)
	}
	if d.Count() != 1 {
		t.Errorf("Count %d", d.Count())
	}
}

func FuzzXLIFFDecode(f *testing.F) {
	f.Add([]byte(catTool))
	f.Add(encode(f, testHeader, units()))
	f.Add([]byte(doc(`<!DOCTYPE xliff [<!ENTITY a "aaaa">]>`, `<trans-unit id="p1"><source>&a;</source></trans-unit>`)))
	f.Add([]byte(doc(`<!DOCTYPE xliff [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>`, `<trans-unit id="p1"><source>&xxe;</source></trans-unit>`)))
	f.Add([]byte(doc(`<!DOCTYPE xliff SYSTEM "http://example.com/xliff.dtd">`, one)))
	f.Add([]byte(doc(`<!ENTITY % p SYSTEM "http://example.com/x">`, one)))
	f.Add([]byte(doc("", `<trans-unit id="p1" extradata="bitext doc=1 pair=2 version=3"><source>a<bpt id="1">b<sub>c<g id="2">d</g></sub></bpt>e</source><target state="final">f</target></trans-unit>`)))
	f.Fuzz(func(t *testing.T, data []byte) {
		units, err := ReadAll(bytes.NewReader(data), Options{Limits: xmlx.Limits{MaxToken: 1 << 16}})
		if err != nil {
			if units != nil {
				t.Fatalf("units with an error: %v", err)
			}
			if !strings.HasPrefix(err.Error(), "xliff") {
				t.Fatalf("error without context: %v", err)
			}
			return
		}
		// (a comment or CDATA section may mention one harmlessly)
		if (bytes.Contains(data, []byte("<!ENTITY")) || bytes.Contains(data, []byte("<!DOCTYPE"))) &&
			!bytes.Contains(data, []byte("<!--")) && !bytes.Contains(data, []byte("<![CDATA[")) {
			t.Fatalf("a DOCTYPE or entity declaration was accepted")
		}
		for _, u := range units {
			if u.ID == "" || u.Source != xmlx.Space(u.Source) || u.Target != xmlx.Space(u.Target) {
				t.Fatalf("unit %+v", u)
			}
			if u.Status != StatusOf(u.State, u.Approved, u.Target) {
				t.Fatalf("status %s of %+v", u.Status, u)
			}
		}
	})
}

func benchUnits(n int) []Unit {
	ps := fixture.Many(n)
	us := make([]Unit, n)
	for i, p := range ps {
		us[i] = Unit{Pair: p}
	}
	return us
}

// BenchmarkEncode writes 100,000 units to io.Discard.
func BenchmarkEncode(b *testing.B) {
	const n = 100_000
	us := benchUnits(n)
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		e := NewEncoder(io.Discard, Header{ToolVersion: "bench"})
		for _, u := range us {
			if err := e.Encode(u); err != nil {
				b.Fatal(err)
			}
		}
		if err := e.Close(); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*n), "ns/unit")
}

// repeat is a document of n copies of one unit, generated as it is
// read, so that the benchmark measures the decoder's memory alone.
type repeat struct {
	head, unit, tail []byte
	n                int
	cur              []byte
}

func (r *repeat) Read(p []byte) (int, error) {
	for len(r.cur) == 0 {
		switch {
		case r.head != nil:
			r.cur, r.head = r.head, nil
		case r.n > 0:
			r.cur = r.unit
			r.n--
		case r.tail != nil:
			r.cur, r.tail = r.tail, nil
		default:
			return 0, io.EOF
		}
	}
	n := copy(p, r.cur)
	r.cur = r.cur[n:]
	return n, nil
}

// BenchmarkDecode reads a document of 100,000 units generated on the fly,
// one unit at a time, and reports the peak heap in use above the start,
// sampled every 1,000 units: bounded, whatever the number of units.
func BenchmarkDecode(b *testing.B) {
	const n = 100_000
	data := encode(b, Header{ToolVersion: "bench"}, benchUnits(1))
	i, j := bytes.Index(data, []byte("      <trans-unit ")), bytes.Index(data, []byte("    </body>"))
	head, one, tail := data[:i], data[i:j], data[j:]
	b.ReportAllocs()
	b.SetBytes(int64(len(head) + n*len(one) + len(tail)))
	var ms runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&ms)
	base, peak := ms.HeapInuse, ms.HeapInuse
	b.ResetTimer()
	for range b.N {
		d := NewDecoder(&repeat{head: head, unit: one, tail: tail, n: n}, Options{})
		k := 0
		for u, err := range d.All() {
			if err != nil {
				b.Fatal(err)
			}
			if u.Status != bitext.StatusApproved {
				b.Fatal(u)
			}
			if k++; k%1000 == 0 {
				runtime.ReadMemStats(&ms)
				peak = max(peak, ms.HeapInuse)
			}
		}
		if k != n {
			b.Fatalf("%d units", k)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*n), "ns/unit")
	b.ReportMetric(float64(peak-base)/(1<<20), "peak-heap-MiB")
}

// toolkitEdit approves and edits a unit, rejects another and sends a
// third back for review with translate-toolkit, as a reviewer in a tool
// built on it would, and writes the file out.
const toolkitEdit = `
import sys
from translate.storage import xliff
store = xliff.xlifffile.parsestring(sys.stdin.buffer.read())
for u in store.units:
    id = u.getid().split("\x04")[-1]
    if id == "p102":
        u.settarget("Revenue grew by 5%. Net profit was 3 million rubles.")
        u.markapproved(True)
        u.set_state_n(u.S_SIGNED_OFF + 1)
    elif id == "p103":
        u.set_state_n(u.S_NEEDS_TRANSLATION)
    elif id == "p101":
        u.markapproved(False)
        u.set_state_n(u.S_NEEDS_REVIEW)
sys.stdout.buffer.write(bytes(store))
`

func TestTranslateToolkitRoundTrip(t *testing.T) {
	us := units()
	out := fixture.Toolkit(t, toolkitEdit, encode(t, testHeader, us))
	fixture.Xmllint(t, out, "edited.xlf", "--schema", fixture.Formats+"/xliff-core-1.2-strict.xsd")
	got, err := ReadAll(bytes.NewReader(out), Options{})
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != len(us) {
		t.Fatalf("%d units back, %d out", len(got), len(us))
	}
	want := map[string]bitext.Status{"p101": bitext.StatusDraft, "p102": bitext.StatusApproved, "p103": bitext.StatusRejected}
	for i, g := range got {
		p := us[i].Pair
		st, changed := want[g.ID]
		if !changed {
			st = p.Status
			if st == "" {
				st = bitext.StatusDraft
			}
		}
		if g.Status != st || !g.Ref || g.Pair != p.ID || g.Version != p.Version {
			t.Errorf("%s: %+v, want status %s", g.ID, g, st)
		}
	}
	if got[1].Target != "Revenue grew by 5%. Net profit was 3 million rubles." || got[1].State != "final" {
		t.Errorf("edited unit: %+v", got[1])
	}
}
