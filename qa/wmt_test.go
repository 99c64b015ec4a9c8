package qa

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/bitext/bitext"
)

// wmtDir holds the WMT21/22 ru→en sets (see its README.md).
const wmtDir = "../../shared/bench/ruen-wmt"

// wmtLoose lists the errors raised on the WMT references that were
// looked at and found to be the reference's own looseness (a number the
// translator dropped, changed or added), not the checker's mistake:
// "set/folder/ref:line:key" → why.
var wmtLoose = map[string]string{
	"wmt21-newstest-ru-en/003_rus.err.ee.56473/tgt:22:number:30>13":          "«более тридцати раз» translated \"more than thirteen occasions\"",
	"wmt21-newstest-ru-en/003_rus.err.ee.56473/tgt:20:date:--07":             "«в июле» translated \"in June\"",
	"wmt21-newstest-ru-en/028_bbc-russian.43692/tgt:12:number:1.5>1500":      "the source's «1,5 военнослужащих» lacks «тыс.»; the reference guesses 1500",
	"wmt21-newstest-ru-en/032_rg.ru.74104/tgt:10:number:4>4.6":               "«4-6%» read as \"4.6%\"",
	"wmt21-newstest-ru-en/032_rg.ru.74104/tgt:10:number:6":                   "«4-6%» read as \"4.6%\"",
	"wmt21-newstest-ru-en/032_rg.ru.74104/tgt:22:number:0.6>0.5":             "«0,3-0,6» translated \"0.3-0.5\"",
	"wmt21-newstest-ru-en/052_izvestiya.520940/tgt:8:date:--04-24":           "«24 апреля» translated \"April 14\"",
	"wmt21-newstest-ru-en/065_vedomosti.76993/tgt:1:name:covid-19":           "COVID-19 shortened to COVID",
	"wmt21-newstest-ru-en/079_kp.235534/tgt:5:number:2020":                   "the year of «27 июля - 2 августа 2020 года» dropped",
	"wmt21-newstest-ru-en/087_vedomosti.76994/tgt:4:date:--07-22":            "«22 июля» translated \"June 22\"",
	"wmt21-newstest-ru-en/105_mk.224365/tgt:8:number:350000>35000":           "postcode 350000 typed 35000",
	"wmt21-newstest-ru-en/105_mk.224365/tgt:8:name:str@krd.ru":               "e-mail str@krd.ru typed str@kd.ru",
	"wmt22-generaltest-ru-en/021_rt-russian.47266/tgt:3:untranslated:нo":     "WHO typed with a Cyrillic Н",
	"wmt22-generaltest-ru-en/021_rt-russian.47266/tgt:12:untranslated:нo":    "WHO typed with a Cyrillic Н",
	"wmt21-newstest-ru-en/003_rus.err.ee.56473/tgt_refB:20:name:rus.err.ee":  "the site rus.err.ee typed russ.err.ee",
	"wmt21-newstest-ru-en/024_mk.224363/tgt_refB:2:date:--07-27":             "«с 27 июля» left out",
	"wmt21-newstest-ru-en/028_bbc-russian.43692/tgt_refB:12:number:1.5>1500": "the source's «1,5 военнослужащих» lacks «тыс.»; the reference guesses 1,500",
	"wmt21-newstest-ru-en/048_pnp.ru.112053/tgt_refB:13:number:6.2":          "«(6,2 процента)» left out",
	"wmt21-newstest-ru-en/086_sovsport.ru.252374/tgt_refB:2:date:--08-07":    "«7 августа» left out",
}

type wmtDoc struct {
	set, folder string
	src         []string
	refs        map[string][]string // tgt, tgt_refB, mt
}

func readLines(t testing.TB, path string) []string {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil
	}
	s := strings.TrimRight(string(b), "\n")
	if s == "" {
		return nil
	}
	return strings.Split(s, "\n")
}

func loadWMT(t testing.TB) []wmtDoc {
	if _, err := os.Stat(wmtDir); err != nil {
		t.Skip("no WMT data at " + wmtDir)
	}
	var docs []wmtDoc
	for _, set := range []string{"wmt21-newstest-ru-en", "wmt22-generaltest-ru-en"} {
		dirs, err := os.ReadDir(filepath.Join(wmtDir, set))
		if err != nil {
			t.Fatal(err)
		}
		for _, d := range dirs {
			if !d.IsDir() {
				continue
			}
			p := filepath.Join(wmtDir, set, d.Name())
			doc := wmtDoc{set: set, folder: d.Name(), src: readLines(t, filepath.Join(p, "src.txt")), refs: map[string][]string{}}
			for _, r := range []string{"tgt", "tgt_refB", "mt"} {
				if l := readLines(t, filepath.Join(p, r+".txt")); l != nil {
					if len(l) != len(doc.src) {
						t.Fatalf("%s/%s: %d lines against %d", p, r, len(l), len(doc.src))
					}
					doc.refs[r] = l
				}
			}
			docs = append(docs, doc)
		}
	}
	return docs
}

// TestWMTFalseAlarms checks the professional references of WMT21/22
// ru→en (and, for comparison, the top MT systems) and logs findings per
// 1,000 pairs by kind and severity. Error-severity findings on the
// references are false alarms unless listed in wmtLoose. QA_WMT_DUMP=1
// prints every error (QA_WMT_DUMP=warning: every warning too).
func TestWMTFalseAlarms(t *testing.T) {
	docs := loadWMT(t)
	dump := os.Getenv("QA_WMT_DUMP")
	var ruChars, enChars int
	for _, ref := range []string{"tgt", "tgt_refB", "mt"} {
		pairs := 0
		count := map[string]int{}
		loose := map[string]int{}
		unexplained := 0
		for _, d := range docs {
			en := d.refs[ref]
			if en == nil {
				continue
			}
			ps := make([]Pair, len(d.src))
			for k := range d.src {
				ps[k] = Pair{RU: d.src[k], EN: en[k]}
				if ref == "tgt" {
					ruChars += utf8.RuneCountInString(d.src[k])
					enChars += utf8.RuneCountInString(en[k])
				}
			}
			pairs += len(ps)
			for k, fs := range Doc(ps) {
				for _, f := range fs {
					count[string(f.Severity)+" "+string(f.Kind)]++
					if f.Severity != bitext.SeverityError || ref == "mt" {
						if dump == "warning" && ref != "mt" {
							fmt.Printf("W %s/%s/%s:%d %s [%s]\n   RU %s\n   EN %s\n", d.set, d.folder, ref, k+1, f.Message, f.Key, d.src[k], en[k])
						}
						continue
					}
					id := fmt.Sprintf("%s/%s/%s:%d:%s", d.set, d.folder, ref, k+1, f.Key)
					if _, ok := wmtLoose[id]; ok {
						loose[string(f.Kind)]++
						continue
					}
					unexplained++
					if dump != "" {
						fmt.Printf("E %s %s\n   RU %s\n   EN %s\n", id, f.Message, d.src[k], en[k])
					}
				}
			}
		}
		var keys []string
		for k := range count {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		var b strings.Builder
		for _, k := range keys {
			fmt.Fprintf(&b, "  %-22s %4d  %6.2f per 1,000 pairs\n", k, count[k], 1000*float64(count[k])/float64(pairs))
		}
		t.Logf("%s: %d pairs\n%s  errors judged the reference's own looseness: %v\n  errors unexplained (false alarms): %d (%.2f per 1,000 pairs)",
			ref, pairs, b.String(), loose, unexplained, 1000*float64(unexplained)/float64(pairs))
	}
	t.Logf("English/Russian character ratio over reference A: %.3f", float64(enChars)/float64(ruChars))
}

// TestWMTLengthCuts measures the length check on WMT reference A: the
// warnings it raises on the references as they are, and how often it
// finds a pair whose English was cut to a half or a third, or doubled,
// one pair at a time.
func TestWMTLengthCuts(t *testing.T) {
	docs := loadWMT(t)
	clean, pairs := 0, 0
	tried := map[string]int{}
	found := map[string]int{}
	for _, d := range docs {
		en := d.refs["tgt"]
		ps := make([]Pair, len(d.src))
		for k := range d.src {
			ps[k] = Pair{RU: d.src[k], EN: en[k]}
		}
		out := make([][]bitext.Finding, len(ps))
		lengthFindings(ps, out)
		for _, fs := range out {
			clean += len(fs)
		}
		pairs += len(ps)
		for k := range ps {
			if utf8.RuneCountInString(ps[k].RU) < 60 {
				continue
			}
			for _, cut := range []string{"half", "third", "double"} {
				mod := slices.Clone(ps)
				r := []rune(ps[k].EN)
				switch cut {
				case "half":
					mod[k].EN = string(r[:len(r)/2])
				case "third":
					mod[k].EN = string(r[:len(r)/3])
				case "double":
					mod[k].EN = ps[k].EN + " " + ps[k].EN
				}
				o := make([][]bitext.Finding, len(ps))
				lengthFindings(mod, o)
				tried[cut]++
				if len(o[k]) > 0 {
					found[cut]++
				}
			}
		}
	}
	t.Logf("length warnings on the references: %d of %d pairs (%.1f per 1,000)", clean, pairs, 1000*float64(clean)/float64(pairs))
	for _, cut := range []string{"half", "third", "double"} {
		t.Logf("English cut to a %s: found %d of %d (%.0f%%)", cut, found[cut], tried[cut], 100*float64(found[cut])/float64(tried[cut]))
	}
}
