package tmx

import (
	"bytes"
	"fmt"
	"io"
	"runtime"
	"strconv"
	"strings"
	"testing"

	"github.com/bitext/bitext/format/internal/fixture"
	"github.com/bitext/bitext/format/internal/xmlx"
)

func TestRoundTrip(t *testing.T) {
	us := units(nil)
	data := encode(t, testHeader, us)
	got, stats, err := ReadAll(bytes.NewReader(data), Options{})
	if err != nil {
		t.Fatal(err)
	}
	var want []Unit
	for _, u := range us {
		if u.Pair.RU != "" && u.Pair.EN != "" {
			want = append(want, u)
		}
	}
	if len(got) != len(want) || stats.Units != len(want) || stats.Skipped != len(us)-len(want) || stats.Reasons[SkipNoEnglish] != 2 {
		t.Fatalf("read %d units, stats %+v; want %d and 2 without English", len(got), stats, len(want))
	}
	if stats.SrcLang != "ru" {
		t.Errorf("srclang %q", stats.SrcLang)
	}
	for i, u := range want {
		g, p := got[i], u.Pair
		if g.TUID != "p"+strconv.FormatInt(p.ID, 10) || g.Prop(PropPair) != strconv.FormatInt(p.ID, 10) ||
			g.Prop(PropDoc) != strconv.FormatInt(p.Doc, 10) || g.Prop(PropVersion) != strconv.Itoa(p.Version) ||
			g.Prop(PropStatus) != string(p.Status) || g.Prop(PropOrigin) != string(p.Origin) || g.Prop(PropState) != string(p.State) ||
			g.Prop(PropModel) != u.Model || g.Prop(PropGlossaryVersion) != "12" {
			t.Errorf("unit %d: %+v\nfrom %+v", i, g, p)
		}
		if g.RU != xmlx.Space(xmlx.Clean(p.RU)) || g.EN != xmlx.Space(xmlx.Clean(p.EN)) {
			t.Errorf("unit %d: texts %q → %q, want %q → %q", i, g.RU, g.EN, p.RU, p.EN)
		}
		if g.RULang != "ru" || g.ENLang != "en" || g.CreationID != "bitext" || g.ChangeID != p.ReviewedBy {
			t.Errorf("unit %d: %+v", i, g)
		}
	}
}

// foreign is a memory as other tools write them: a DOCTYPE, srclang
// *all*, language variants, TMX 1.1 lang, inline codes, a third
// language, units without one side.
const foreign = `<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE tmx SYSTEM "tmx14.dtd">
<!-- made by hand -->
<tmx version="1.4">
<header creationtool="X" creationtoolversion="1" segtype="sentence" o-tmf="X" adminlang="en-US" srclang="*all*" datatype="rtf">
  <prop type="x-header">ignored</prop>
</header>
<body>
  <tu tuid="1" creationdate="20240101T000000Z">
    <prop type="x-client">ACME</prop>
    <note>first note</note>
    <tuv xml:lang="RU-ru"><seg>Нажмите <bpt i="1" x="1">{\b </bpt>Сохранить<ept i="1">}</ept>.</seg></tuv>
    <tuv xml:lang="en-US"><prop type="x-tuv">ignored</prop><seg>Click <bpt i="1">&lt;b&gt;</bpt>Save<ept i="1">&lt;/b&gt;</ept>.</seg></tuv>
    <tuv xml:lang="en-GB"><seg>Second English, ignored.</seg></tuv>
  </tu>
  <tu>
    <tuv lang="ru"><seg>Сноска<ph x="2">&lt;fn text="<sub>примечание</sub>"/&gt;</ph> здесь</seg></tuv>
    <tuv lang="EN"><seg>Footnote<ph>&lt;fn/&gt;</ph>  here,
      <hi type="b">bold</hi> and <it pos="begin">&lt;i&gt;</it>open<ut>{\i}</ut></seg></tuv>
  </tu>
  <tu tuid="de">
    <tuv xml:lang="de"><seg>Nur Deutsch</seg></tuv>
    <tuv xml:lang="fr"><seg>Seulement français</seg></tuv>
  </tu>
  <tu tuid="noen">
    <tuv xml:lang="ru-RU"><seg>Только русский</seg></tuv>
    <tuv xml:lang="en"><seg>   </seg></tuv>
  </tu>
  <tu tuid="noru">
    <tuv xml:lang="en"><seg>English only</seg></tuv>
  </tu>
  <tu tuid="3"><tuv xml:lang="rus"><seg>Три</seg></tuv><tuv xml:lang="eng"><seg>Three</seg></tuv></tu>
</body>
</tmx>
`

func TestDecodeForeign(t *testing.T) {
	got, stats, err := ReadAll(strings.NewReader(foreign), Options{})
	if err != nil {
		t.Fatal(err)
	}
	want := []struct{ ru, en, ruLang, enLang string }{
		{"Нажмите Сохранить.", "Click Save.", "RU-ru", "en-US"},
		{"Сноскапримечание здесь", "Footnote here, bold and open", "ru", "EN"},
		{"Три", "Three", "rus", "eng"},
	}
	if len(got) != len(want) {
		t.Fatalf("got %d units: %+v", len(got), got)
	}
	for i, w := range want {
		if got[i].RU != w.ru || got[i].EN != w.en || got[i].RULang != w.ruLang || got[i].ENLang != w.enLang {
			t.Errorf("unit %d: %q (%s) → %q (%s), want %q → %q", i, got[i].RU, got[i].RULang, got[i].EN, got[i].ENLang, w.ru, w.en)
		}
	}
	if got[0].Prop("x-client") != "ACME" || len(got[0].Props) != 1 || len(got[0].Notes) != 1 || got[0].Notes[0] != "first note" ||
		got[0].CreationDate != "20240101T000000Z" || got[0].TUID != "1" || got[0].Line != 9 {
		t.Errorf("unit 0: %+v", got[0])
	}
	if stats.SrcLang != "*all*" || stats.Skipped != 3 || stats.Reasons[SkipNeither] != 1 || stats.Reasons[SkipNoEnglish] != 1 || stats.Reasons[SkipNoRussian] != 1 {
		t.Errorf("stats %+v", stats)
	}
	if len(stats.Examples) != 3 || stats.Examples[0] != (Skip{Line: 21, TUID: "de", Reason: SkipNeither}) {
		t.Errorf("examples %+v", stats.Examples)
	}
}

func TestDecodeEncodings(t *testing.T) {
	doc := `<?xml version="1.0" encoding="UTF-16"?><tmx version="1.4"><header srclang="ru"/><body><tu><tuv xml:lang="ru"><seg>Да</seg></tuv><tuv xml:lang="en"><seg>Yes</seg></tuv></tu></body></tmx>`
	// UTF-16 little-endian with a byte order mark, as some tools write
	le := []byte{0xFF, 0xFE}
	for _, r := range doc {
		le = append(le, byte(r), byte(r>>8))
	}
	// UTF-8 with a byte order mark
	bom := append([]byte{0xEF, 0xBB, 0xBF}, strings.Replace(doc, "UTF-16", "UTF-8", 1)...)
	for name, data := range map[string][]byte{"utf-16le": le, "utf-8 bom": bom} {
		got, _, err := ReadAll(bytes.NewReader(data), Options{})
		if err != nil || len(got) != 1 || got[0].RU != "Да" || got[0].EN != "Yes" {
			t.Errorf("%s: %+v, %v", name, got, err)
		}
	}
	_, _, err := ReadAll(strings.NewReader(strings.Replace(doc, "UTF-16", "windows-1251", 1)), Options{})
	if err == nil || !strings.Contains(err.Error(), "windows-1251") {
		t.Errorf("windows-1251: %v", err)
	}
}

const unit = `<tu><tuv xml:lang="ru"><seg>Да</seg></tuv><tuv xml:lang="en"><seg>Yes</seg></tuv></tu>`

func doc(prolog, body string) string {
	return `<?xml version="1.0"?>` + "\n" + prolog + "\n<tmx version=\"1.4\"><header srclang=\"ru\"/>\n<body>\n" + body + "\n</body></tmx>\n"
}

func TestDecodeRefuses(t *testing.T) {
	for _, tc := range []struct {
		name, data, want string
	}{
		{"entity declaration", doc(`<!DOCTYPE tmx [<!ENTITY a "aaaa">]>`, unit), "line 2: <!DOCTYPE with an internal subset"},
		{"billion laughs", doc(`<!DOCTYPE tmx [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;"><!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">]>`, `<tu><tuv xml:lang="ru"><seg>&c;</seg></tuv></tu>`), "internal subset"},
		{"external entity", doc(`<!DOCTYPE tmx [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>`, `<tu><tuv xml:lang="ru"><seg>&xxe;</seg></tuv></tu>`), "internal subset"},
		{"public doctype with subset", doc(`<!DOCTYPE tmx PUBLIC "-//LISA OSCAR:1998//DTD for Translation Memory eXchange//EN" "tmx14.dtd" [ <!ENTITY a "x"> ]>`, unit), "internal subset"},
		{"undeclared entity", doc(`<!DOCTYPE tmx SYSTEM "tmx14.dtd">`, "<tu><tuv xml:lang=\"ru\">\n<seg>&xxe;</seg></tuv></tu>"), "line 6: invalid character entity &xxe;"},
		{"entity outside doctype", doc(`<!ENTITY a "x">`, unit), "line 2: markup declaration <!ENTITY"},
		{"doctype after the root", strings.Replace(doc("", unit), "<body>", "<body><!DOCTYPE tmx>", 1), "after the root"},
		{"not tmx", `<xliff version="1.2"/>`, "line 1: root element <xliff>, want <tmx>"},
		{"empty", ``, "no root element"},
		{"truncated", doc("", unit)[:120], "unexpected EOF"},
		{"bad nesting", doc("", "<tu><tuv xml:lang=\"ru\"><seg>x</tuv></tu>"), "line 5: element <seg> closed by </tuv>"},
		{"control character", doc("", "<tu><tuv xml:lang=\"ru\"><seg>x&#1;</seg></tuv></tu>"), "line 5: illegal character code U+0001"},
		{"text after the root", doc("", unit) + "junk", "text outside the root"},
		{"second root", doc("", unit) + "<tmx/>", "line 7: a second root element <tmx>"},
		{"long token", doc("", "<tu><tuv xml:lang=\"ru\"><seg>"+strings.Repeat("я", 3000)+"</seg></tuv></tu>"), "line 5: a token (text, tag or declaration) longer than 4096 bytes"},
		{"long text", doc("", "<tu><tuv xml:lang=\"ru\"><seg>"+strings.Repeat("<hi>"+strings.Repeat("x", 1000)+"</hi>", 11)+"</seg></tuv></tu>"), "a segment longer than 10000 bytes"},
		{"deep", doc("", "<tu><tuv xml:lang=\"ru\"><seg>"+strings.Repeat("<hi>", 100)+strings.Repeat("</hi>", 100)+"</seg></tuv></tu>"), "nested deeper than 64"},
		{"many props", doc("", "<tu>"+strings.Repeat("<prop type=\"a\">b</prop>", 20)+"</tu>"), "more than 10 props"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			units, _, err := ReadAll(strings.NewReader(tc.data), Options{Limits: xmlx.Limits{MaxToken: 4096}, MaxText: 10000, MaxProps: 10})
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("error %v, want one with %q", err, tc.want)
			}
			if !strings.HasPrefix(err.Error(), "tmx") || units != nil {
				t.Errorf("error %q, units %v", err, units)
			}
		})
	}
}

func TestDecodeStreaming(t *testing.T) {
	// a unit before the error is delivered; the error sticks
	d := NewDecoder(strings.NewReader(doc("", unit+"\n<tu><tuv xml:lang=\"ru\"><seg>&bad;</seg></tuv></tu>")), Options{})
	u, err := d.Next()
	if err != nil || u.RU != "Да" {
		t.Fatalf("first unit: %+v, %v", u, err)
	}
	if _, err = d.Next(); err == nil || !strings.Contains(err.Error(), "line 6") {
		t.Fatalf("second: %v", err)
	}
	if _, err2 := d.Next(); err2 != err {
		t.Errorf("the error does not stick: %v", err2)
	}
	d = NewDecoder(strings.NewReader(doc("", unit)), Options{})
	n := 0
	for _, err := range d.All() {
		if err != nil {
			t.Fatal(err)
		}
		n++
	}
	if _, err := d.Next(); n != 1 || err != io.EOF {
		t.Errorf("%d units, then %v", n, err)
	}
}

func FuzzTMXDecode(f *testing.F) {
	f.Add([]byte(foreign))
	f.Add(encode(f, testHeader, units(nil)))
	f.Add([]byte(doc(`<!DOCTYPE tmx [<!ENTITY a "aaaa">]>`, `<tu><tuv xml:lang="ru"><seg>&a;</seg></tuv></tu>`)))
	f.Add([]byte(doc(`<!DOCTYPE tmx [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>`, `<tu><tuv xml:lang="ru"><seg>&xxe;</seg></tuv></tu>`)))
	f.Add([]byte(doc(`<!DOCTYPE tmx SYSTEM "http://example.com/tmx14.dtd">`, unit)))
	f.Add([]byte(doc(`<!ENTITY % p SYSTEM "http://example.com/x">`, unit)))
	f.Add([]byte(doc("", `<tu><tuv lang="ru"><seg>a<bpt i="1">b<sub>c<hi>d</hi></sub></bpt>e</seg></tuv><tuv lang="en"><seg>f</seg></tuv></tu>`)))
	f.Fuzz(func(t *testing.T, data []byte) {
		units, stats, err := ReadAll(bytes.NewReader(data), Options{Limits: xmlx.Limits{MaxToken: 1 << 16}})
		if err != nil {
			if units != nil {
				t.Fatalf("units with an error: %v", err)
			}
			if !strings.HasPrefix(err.Error(), "tmx") {
				t.Fatalf("error without context: %v", err)
			}
			return
		}
		if stats.Units != len(units) {
			t.Fatalf("stats %d units, got %d", stats.Units, len(units))
		}
		// (a comment or CDATA section may mention one harmlessly)
		if bytes.Contains(data, []byte("<!ENTITY")) && !bytes.Contains(data, []byte("<!--")) && !bytes.Contains(data, []byte("<![CDATA[")) {
			t.Fatalf("an entity declaration was accepted")
		}
		for _, u := range units {
			if u.RU == "" || u.EN == "" || u.RU != xmlx.Space(u.RU) || u.EN != xmlx.Space(u.EN) {
				t.Fatalf("unit %+v", u)
			}
		}
	})
}

// repeat is a memory of n copies of one unit, generated as it is read,
// so that the benchmark measures the decoder's memory alone.
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

func benchUnits(n int) []Unit {
	ps := fixture.Many(n)
	us := make([]Unit, n)
	for i, p := range ps {
		us[i] = Unit{Pair: p, Model: "gpt-4.1-mini", GlossaryVersion: "12"}
	}
	return us
}

// BenchmarkEncode writes a memory of 100,000 units to io.Discard.
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

// BenchmarkDecode reads a memory of 100,000 units generated on the fly
// and reports the peak heap in use while it reads, sampled every 1,000
// units: bounded, whatever the number of units.
func BenchmarkDecode(b *testing.B) {
	const n = 100_000
	data := encode(b, Header{ToolVersion: "bench"}, benchUnits(1))
	i, j := bytes.Index(data, []byte("    <tu ")), bytes.Index(data, []byte("  </body>"))
	head, one, tail := data[:i], data[i:j], data[j:]
	b.ReportAllocs()
	b.SetBytes(int64(len(head) + n*len(one) + len(tail)))
	var peak uint64
	var ms runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&ms)
	base := ms.HeapInuse
	b.ResetTimer()
	for range b.N {
		d := NewDecoder(&repeat{head: head, unit: one, tail: tail, n: n}, Options{})
		k := 0
		for u, err := range d.All() {
			if err != nil {
				b.Fatal(err)
			}
			if u.EN == "" {
				b.Fatal("no English")
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
	b.ReportMetric(float64(peak-min(peak, base))/(1<<20), "peak-heap-MiB")
}

// TestDecodeBoundedMemory: reading 10 times as many units must not take
// much more heap.
func TestDecodeBoundedMemory(t *testing.T) {
	if testing.Short() {
		t.Skip("slow")
	}
	data := encode(t, Header{}, benchUnits(1))
	i, j := bytes.Index(data, []byte("    <tu ")), bytes.Index(data, []byte("  </body>"))
	peak := func(n int) uint64 {
		runtime.GC()
		var ms runtime.MemStats
		runtime.ReadMemStats(&ms)
		base, top := ms.HeapInuse, ms.HeapInuse
		d := NewDecoder(&repeat{head: data[:i], unit: data[i:j], tail: data[j:], n: n}, Options{})
		k := 0
		for _, err := range d.All() {
			if err != nil {
				t.Fatal(err)
			}
			if k++; k%500 == 0 {
				runtime.ReadMemStats(&ms)
				top = max(top, ms.HeapInuse)
			}
		}
		return top - min(top, base)
	}
	small, large := peak(5_000), peak(50_000)
	if large > small+8<<20 {
		t.Errorf("heap grows with the memory: %d bytes for 5,000 units, %d for 50,000", small, large)
	}
	t.Logf("peak heap above the start: %s for 5,000 units, %s for 50,000", mib(small), mib(large))
}

func mib(n uint64) string { return fmt.Sprintf("%.1f MiB", float64(n)/(1<<20)) }
