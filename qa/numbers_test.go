package qa

import (
	"strings"
	"testing"

	"github.com/bitext/bitext"
)

// keysOf lists the keys of the numbers outside dates, words marked ~.
func keysOf(ns []Number) string {
	var ks []string
	for _, n := range ns {
		if n.Date {
			continue
		}
		k := n.Key
		if n.Alt != "" {
			k += "|" + n.Alt
		}
		if n.Word {
			k = "~" + k
		}
		ks = append(ks, k)
	}
	return strings.Join(ks, " ")
}

func TestNumbersRussian(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"1 000 человек", "1000"},
		{"1\u00a0000\u00a0000 долларов", "1000000"},
		{"1\u2009000 и 2\u202f500", "1000 2500"},
		{"рост на 1,5 процента", "1.5"},
		{"15 тыс. человек", "15000"},
		{"15 тысяч человек", "15000"},
		{"2,5 млн рублей", "2500000"},
		{"3 млрд долл.", "3000000000"},
		{"1 трлн", "1000000000000"},
		{"812,5 тысячи", "812500"},
		{"в 2021–2025 гг.", "2021 2025"},
		{"в 2021-2025 годах", "2021 2025"},
		{"резолюция № 75/240", "75 240"},
		{"5,5%", "5.5"},
		{"4,5-5,5%", "4.5 5.5"},
		{"76-й сессии", "76"},
		{"в 1990-х годах", "1990"},
		{"XXI век", "21"},
		{"Петр I", "1"},
		{"два государства", "~2"},
		{"двадцать пять стран", "~25"},
		{"второй раунд", "~2"},
		{"в третьем чтении", "~3"},
		{"двух с половиной миллионов", "~2500000"},
		{"полтора миллиона", "~1500000"},
		{"тысячи людей", "~1000"},
		{"за сутки", "~24"},
		{"1,500 штук", "1.5|1500"},
		{"COVID-19", "19"},
		{"в 18:30", "18 30"},
		{"сезон 2019/20", "2019 20|2020"},
		{"в 2021 - 22 годах", "2021 22|2022"},
		{"16 100x185 см", "16100 185"},
		{"сайт http://kremlin.ru/events/65231 сообщил", ""},
		{"Су-35 и С-400", "35 400"},
		{"МВФ (IMF)", ""},
	} {
		if got := keysOf(Numbers(c.in, bitext.Russian)); got != c.want {
			t.Errorf("Numbers(%q, ru) = %q, want %q", c.in, got, c.want)
		}
	}
}

func TestNumbersEnglish(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"1,000 people", "1000"},
		{"1,000,000 dollars", "1000000"},
		{"1.5 per cent", "1.5"},
		{"15 thousand", "15000"},
		{"2.5 million roubles", "2500000"},
		{"$3 billion", "3000000000"},
		{"$3bn", "3000000000"},
		{"$1.5m", "1500000"},
		{"$1 tln", "1000000000000"},
		{"2021–2025", "2021 2025"},
		{"from 2021 to 2025", "2021 2025"},
		{"resolution 75/240", "75 240"},
		{"No. 75/240", "75 240"},
		{"5.5%", "5.5"},
		{"76th session", "76"},
		{"the 21st century", "21"},
		{"in the 1990s", "1990"},
		{"two states", "~2"},
		{"twenty-five countries", "~25"},
		{"two hundred and five", "~205"},
		{"the second round", "~2"},
		{"a million", "~1000000"},
		{"World War II", "~2"},
		{"at 5:47 PM", "5|17 47"},
		{"at 2 pm", "2|14"},
		{"2019/2020 season", "2019 2020"},
		{"in 2021–22", "2021 22|2022"},
		{"1,5 million", "1500000"},
		{"100m sprint", "100"},
		{"6000K lamp", "6000"},
		{"12.5", "12.5"},
	} {
		if got := keysOf(Numbers(c.in, bitext.English)); got != c.want {
			t.Errorf("Numbers(%q, en) = %q, want %q", c.in, got, c.want)
		}
	}
}

func TestNumberSpans(t *testing.T) {
	s := "Выделено 2,5 млн рублей и 15 тыс. долларов."
	ns := Numbers(s, bitext.Russian)
	if len(ns) != 2 || ns[0].Text != "2,5 млн" || ns[1].Text != "15 тыс." {
		t.Fatalf("spans: %+v", ns)
	}
	for _, n := range ns {
		if s[n.Span.Start:n.Span.End] != n.Text {
			t.Errorf("span %v is %q, text %q", n.Span, s[n.Span.Start:n.Span.End], n.Text)
		}
	}
}

func TestDecimalKey(t *testing.T) {
	for _, c := range []struct {
		i, f string
		sc   int
		want string
	}{
		{"2", "5", 6, "2500000"}, {"1", "5", 0, "1.5"}, {"0", "25", 0, "0.25"}, {"100", "", 0, "100"},
		{"007", "", 0, "7"}, {"0", "0", 0, "0"}, {"1", "050", 0, "1.05"}, {"812", "5", 3, "812500"},
	} {
		if got := decimalKey(c.i, c.f, c.sc); got != c.want {
			t.Errorf("decimalKey(%q, %q, %d) = %q, want %q", c.i, c.f, c.sc, got, c.want)
		}
	}
}

func TestDecades(t *testing.T) {
	if fs := Check("С начала 20-х годов роман развивался.", "From the beginning of the 1920s, the affair developed."); hasError(fs) {
		t.Errorf("decade: %s", show(fs))
	}
	if fs := Check("В 90-е годы.", "In the nineties."); hasError(fs) {
		t.Errorf("decade in words: %s", show(fs))
	}
}
