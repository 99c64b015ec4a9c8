package qa

import (
	"fmt"
	"strings"
	"testing"

	"github.com/bitext/bitext"
)

func hasError(fs []bitext.Finding) bool {
	for _, f := range fs {
		if f.Severity == bitext.SeverityError {
			return true
		}
	}
	return false
}

func show(fs []bitext.Finding) string {
	var b strings.Builder
	for _, f := range fs {
		fmt.Fprintf(&b, "\n\t%s %s [%s] %s", f.Severity, f.Kind, f.Key, f.Message)
	}
	return b.String()
}

// TestConventionsAgree: legitimate renderings raise no error.
func TestConventionsAgree(t *testing.T) {
	for _, c := range [][2]string{
		{"В мероприятии приняли участие 1 000 человек.", "The event was attended by 1,000 people."},
		{"Бюджет составил 1\u00a0000\u00a0000 рублей.", "The budget was 1,000,000 roubles."},
		{"Рост составил 1,5%.", "Growth was 1.5%."},
		{"Рост составил 5,5 процента.", "Growth was 5.5 per cent."},
		{"Рост составил 5,5 процента.", "Growth was 5.5 percent."},
		{"Участвовали 15 тыс. человек.", "15,000 people took part."},
		{"Участвовали 15 тыс. человек.", "15 thousand people took part."},
		{"Выделено 2,5 млн рублей.", "2.5 million roubles were allocated."},
		{"Выделено 3 млрд долл.", "$3 billion was allocated."},
		{"Выделено 3 млрд долл.", "$3bn was allocated."},
		{"Госдолг превысил 1 трлн долларов.", "The public debt exceeded one trillion dollars."},
		{"Программа на 2021–2025 гг.", "The programme for 2021–2025."},
		{"Программа на 2021-2025 гг.", "The programme for 2021 to 2025."},
		{"Программа на 2021–2025 гг.", "The programme from 2021 to 2025."},
		{"Резолюция № 75/240.", "Resolution 75/240."},
		{"Резолюция № 75/240.", "Resolution No. 75/240."},
		{"Это второй раунд переговоров.", "This is the second round of talks."},
		{"Это второй раунд переговоров.", "This is the 2nd round of talks."},
		{"На 76-й сессии Генеральной Ассамблеи.", "At the 76th session of the General Assembly."},
		{"Вызовы XXI века.", "The challenges of the 21st century."},
		{"Вызовы XXI века.", "The challenges of the twenty-first century."},
		{"Два государства подписали договор.", "Two states signed the treaty."},
		{"Договор подписали 3 государства.", "Three states signed the treaty."},
		{"Встреча состоялась 23 сентября 2021 г.", "The meeting took place on 23 September 2021."},
		{"Встреча состоялась 23 сентября 2021 г.", "The meeting took place on September 23, 2021."},
		{"Встреча состоялась 23 сентября.", "The meeting took place on the 23rd of September."},
		{"Консультации прошли 16-17 сентября 2021 года.", "The consultations were held on September 16-17, 2021."},
		{"Консультации прошли 16-17 сентября 2021 года.", "The consultations were held on 16 and 17 September 2021."},
		{"Проект внесен 27 июля с.г.", "The draft was submitted on July 27 this year."},
		{"Проект внесен 27 июля с.г.", "The draft was submitted on 27 July 2021."},
		{"В прошлом году встреч не было.", "There were no meetings last year."},
		{"Дата публикации: 23.12.2024.", "Published on 23 December 2024."},
		{"Заседание начнется в 18:30.", "The meeting will start at 6:30 p.m."},
		{"За сутки выявлено 5 765 случаев.", "In the past 24 hours, 5,765 cases were detected."},
		{"Штраф более двух с половиной миллионов тенге.", "A fine of over 2.5 million tenge."},
		{"Рабочая группа ООН открытого состава (OEWG) по ИКТ.", "The UN Open-ended Working Group (OEWG) on ICTs."},
		{"Подробности на сайте http://www.mid.ru/ru/foreign_policy.", "Details at http://www.mid.ru/ru/foreign_policy."},
		{"Пишите на info@mid.ru.", "Write to info@mid.ru."},
		{"Заявление опубликовано в Twitter @MID_RF.", "The statement was published on Twitter @mid_rf."},
		{"Сезон 2019/20 завершен.", "The 2019/2020 season is over."},
		{"Год 2020-й стал трудным.", "2020 was a difficult year."},
		{"Встреча в формате БРИКС+.", "A BRICS+ meeting."},
		{"В 1990-х годах.", "In the 1990s."},
		{"Доклад МГЭ 2019-2021 гг.", "The GGE report of 2019-2021."},
		{"Россия, Китай и еще 5 стран.", "Russia, China and five more countries."},
		{"Сообщает «Коммерсантъ».", "Reported by Kommersant."},
		{"Выступил С.В.Лавров.", "S.V.Lavrov spoke."},
		{"Около 1 234 567 человек.", "About 1.23 million people."},
	} {
		if fs := Check(c[0], c[1]); hasError(fs) {
			t.Errorf("%q ↔ %q: %s", c[0], c[1], show(fs))
		}
	}
}

// TestChangesFound: changed, missing or added numbers, dates and names
// are errors with the expected key.
func TestChangesFound(t *testing.T) {
	for _, c := range []struct{ ru, en, key string }{
		{"Выделено 2,5 млн рублей.", "2.5 billion roubles were allocated.", "number:2500000>2500000000"},
		{"Участвовали 1 000 человек.", "100 people took part.", "number:1000>100"},
		{"Рост составил 5,5%.", "Growth was 5.6%.", "number:5.5>5.6"},
		{"Рост составил 1,5%.", "Growth was 15%.", "number:1.5>15"},
		{"Резолюция № 75/240.", "Resolution 75/204.", "number:240>204"},
		{"Резолюция № 75/240.", "Resolution 240.", "number:75"},
		{"На 76-й сессии.", "At the 75th session.", "number:76>75"},
		{"Вызовы XXI века.", "The challenges of the 20th century.", "number:21>20"},
		{"Программа на 2021–2025 гг.", "The programme for 2021–2024.", "number:2025>2024"},
		{"Встреча прошла в Москве.", "The meeting was held in Moscow on 12 March.", "date:+--03-12"},
		{"Погибли 45 человек.", "People died.", "number:45"},
		{"Погибли люди.", "45 people died.", "number:+45"},
		{"Встреча состоялась 23 сентября 2021 г.", "The meeting took place on 24 September 2021.", "date:2021-09-23"},
		{"Встреча состоялась 23 сентября 2021 г.", "The meeting took place on 23 October 2021.", "date:2021-09-23"},
		{"Встреча состоялась 23 сентября 2021 г.", "The meeting took place on 23 September 2020.", "date:2021-09-23"},
		{"Встреча состоялась 23 сентября.", "The meeting took place.", "date:--09-23"},
		{"В прошлом году встреч не было.", "There were no meetings this year.", "date:last-year"},
		{"Рабочая группа (OEWG) по ИКТ.", "The working group on ICTs.", "name:oewg"},
		{"Подробности на http://www.mid.ru/ru/1234.", "Details at http://www.mid.ru/en/1234.", "name:http://www.mid.ru/ru/1234"},
		{"Пишите на info@mid.ru.", "Write to info@mid.com.", "name:info@mid.ru"},
		{"Текст заявления.", "Текст заявления.", "untranslated:echo"},
		{"Текст заявления.", "", "untranslated:empty"},
		{"Текст заявления.", "The text of the заявления.", "untranslated:заявления"},
		{"Стороны подтвердили.", "The sides cоnfirmed.", "untranslated:оnfirmed"},
	} {
		fs := Check(c.ru, c.en)
		ok := false
		for _, f := range fs {
			if f.Key == c.key && f.Severity == bitext.SeverityError {
				ok = true
			}
		}
		if !ok {
			t.Errorf("%q ↔ %q: want error %s, got %s", c.ru, c.en, c.key, show(fs))
		}
	}
}

func TestMessages(t *testing.T) {
	fs := Check("Выделено 2,5 млн рублей.", "2.5 billion roubles were allocated.")
	if len(fs) != 1 || fs[0].Message != "the Russian has 2,5 млн (2 500 000); the English has 2.5 billion (2 500 000 000)" || fs[0].RU != "2,5 млн" || fs[0].EN != "2.5 billion" {
		t.Errorf("message: %s", show(fs))
	}
	fs = Check("Встреча состоялась 23 сентября 2021 г.", "The meeting took place on 24 September 2021.")
	if len(fs) != 1 || fs[0].Message != "the Russian has 23 сентября 2021 (2021-09-23); the English has 24 September 2021 (2021-09-24)" {
		t.Errorf("message: %s", show(fs))
	}
}

func TestWarnings(t *testing.T) {
	for _, c := range []struct{ ru, en, key string }{
		{"Он сказал (и это важно.", "He said (and it matters.", ""},
		{"Он сказал (и это важно).", "He said (and it matters.", "form:parentheses"},
		{"Он назвал это «провокацией».", "He called it a \"provocation.", "form:quotes"},
		{"Он назвал это «провокацией».", "He called it  a provocation.", "form:spaces"},
		{"Стороны обменялись мнениями.", "The sides exchanged views", "form:final"},
		{"Как это понимать?", "How is this to be understood.", "form:final"},
		{"Программа на 2021–2025 гг.", "The programme for 2021–2025", ""},
		{"Как сообщила газета «Известия», встреча прошла успешно.", "As the newspaper «Известия» reported, the meeting went well.", "untranslated:известия"},
		{"Участвовали 5 стран.", "Several countries took part.", "number:5"},
		{"Вызовы XXI века.", "The challenges of our century.", "number:21"},
		{"Матрас 105х195.", "Mattress 105х195.", "untranslated:sign"},
		{"Группа Omikron.", "The Omicron group.", "name:omikron"},
	} {
		fs := Check(c.ru, c.en)
		if hasError(fs) {
			t.Errorf("%q ↔ %q: unexpected error %s", c.ru, c.en, show(fs))
		}
		if c.key == "" {
			if len(fs) > 0 {
				t.Errorf("%q ↔ %q: want nothing, got %s", c.ru, c.en, show(fs))
			}
			continue
		}
		ok := false
		for _, f := range fs {
			ok = ok || f.Key == c.key
		}
		if !ok {
			t.Errorf("%q ↔ %q: want warning %s, got %s", c.ru, c.en, c.key, show(fs))
		}
	}
}

func TestEmptyRussian(t *testing.T) {
	if fs := Check("  ", "Something."); fs != nil {
		t.Errorf("empty Russian: %s", show(fs))
	}
	if fs := Check("COVID-19", "COVID-19"); len(fs) != 0 {
		t.Errorf("Latin-only echo: %s", show(fs))
	}
	if fs := Check("2021", "2021"); len(fs) != 0 {
		t.Errorf("number echo: %s", show(fs))
	}
}

func TestDocLengthAndConsistency(t *testing.T) {
	var pairs []Pair
	for k := 0; k < 10; k++ {
		pairs = append(pairs, Pair{
			RU: fmt.Sprintf("Стороны обсудили вопросы международной информационной безопасности, пункт %d.", k),
			EN: fmt.Sprintf("The parties discussed issues of international information security, item %d.", k),
		})
	}
	pairs[3].EN = "The parties discussed."
	pairs[5] = Pair{RU: "Стороны договорились продолжить консультации.", EN: "The parties agreed to continue consultations."}
	pairs[7] = Pair{RU: "Стороны договорились продолжить консультации.", EN: "The sides agreed to continue the consultations."}
	pairs[8] = Pair{RU: "Стороны условились продолжить консультации.", EN: "The parties agreed to continue consultations."}
	out := Doc(pairs)
	if len(out) != len(pairs) {
		t.Fatalf("%d results for %d pairs", len(out), len(pairs))
	}
	want := map[int]string{3: "length:short", 7: "consistency:ru:", 8: "consistency:en:"}
	for k, fs := range out {
		w, ok := want[k]
		found := false
		for _, f := range fs {
			if f.Severity == bitext.SeverityError && f.Kind != bitext.FindingNumber {
				t.Errorf("pair %d: error %s", k, show(fs))
			}
			if ok && strings.HasPrefix(f.Key, w) {
				found = true
				if strings.HasPrefix(w, "consistency") && !strings.Contains(f.Message, "pair 5") {
					t.Errorf("pair %d: message does not name pair 5: %s", k, f.Message)
				}
			}
		}
		if ok && !found {
			t.Errorf("pair %d: want %s, got %s", k, w, show(fs))
		}
		if !ok && k != 3 && len(fs) > 0 {
			t.Errorf("pair %d: unexpected %s", k, show(fs))
		}
	}
}

func TestDocNameSpelling(t *testing.T) {
	pairs := []Pair{
		{RU: "Переговоры провел С.В.Лавров.", EN: "The talks were held by S.V.Lavrov."},
		{RU: "Министр Лавров отметил важность встречи.", EN: "Minister Lavrov noted the importance of the meeting."},
		{RU: "По словам Лаврова, стороны договорились.", EN: "According to Lavroff, the parties agreed."},
		{RU: "Встречу провела М.В.Захарова.", EN: "The meeting was held by M.V.Zakharova."},
		{RU: "Позицию Захарова поддержал.", EN: "Zakharov supported the position."},
	}
	out := Doc(pairs)
	got := ""
	for k, fs := range out {
		for _, f := range fs {
			if f.Kind == bitext.FindingName {
				got += fmt.Sprintf("%d:%s ", k, f.Key)
			}
		}
	}
	if got != "2:name:лавров:lavroff " {
		t.Errorf("name findings %q%s", got, show(out[2]))
	}
}

func TestConsistencyAcrossDocuments(t *testing.T) {
	c := NewConsistency()
	if fs := c.Add("a.txt", 0, "Стороны договорились продолжить консультации.", "The parties agreed to continue consultations."); len(fs) != 0 {
		t.Fatal(show(fs))
	}
	if fs := c.Add("b.txt", 4, "Стороны  договорились продолжить  консультации.", "The parties agreed to continue consultations."); len(fs) != 0 {
		t.Errorf("same pair again: %s", show(fs))
	}
	fs := c.Add("b.txt", 9, "стороны договорились продолжить консультации", "The sides agreed to go on with consultations.")
	if len(fs) != 1 || fs[0].Kind != bitext.FindingConsistency || !strings.Contains(fs[0].Message, "pair 0 of a.txt") {
		t.Errorf("different translation: %s", show(fs))
	}
	// the key is stable: the same finding next time
	fs2 := NewConsistency()
	fs2.Add("a.txt", 0, "Стороны договорились продолжить консультации.", "The parties agreed to continue consultations.")
	again := fs2.Add("b.txt", 9, "стороны договорились продолжить консультации", "The sides agreed to go on with consultations.")
	if len(again) != 1 || again[0].Key != fs[0].Key {
		t.Errorf("unstable key: %s vs %s", show(again), show(fs))
	}
}

// TestNameSpellingDerivedForms: a country and its adjective are one name
// spelled one way (no warning); another spelling of a name still is.
func TestNameSpellingDerivedForms(t *testing.T) {
	for _, c := range []struct {
		ru1, en1, ru2, en2 string
		warn               bool
	}{
		{"Делегация Бразилии прибыла в Москву.", "The delegation of Brazil arrived in Moscow.",
			"Представитель Бразилии предложил дату.", "The Brazilian side proposed a date.", false},
		{"Министр Лавров выступил с речью.", "Minister Lavrov delivered a speech.",
			"По словам Лаврова, стороны договорились.", "According to Lavroff, the parties agreed.", true},
	} {
		fs := Doc([]Pair{{RU: c.ru1, EN: c.en1}, {RU: c.ru2, EN: c.en2}})
		got := false
		for _, f := range fs[1] {
			if f.Kind == bitext.FindingName {
				got = true
			}
		}
		if got != c.warn {
			t.Errorf("%q: name warning %v, want %v (%+v)", c.en2, got, c.warn, fs[1])
		}
	}
	for _, c := range []struct {
		a, b string
		want bool
	}{{"brazil", "brazilian", true}, {"china", "chinese", true}, {"russia", "russian", true}, {"lavrov", "lavroff", false}, {"iran", "iraq", false}} {
		if got := derived(c.a, c.b); got != c.want {
			t.Errorf("derived(%q, %q) = %v", c.a, c.b, got)
		}
	}
}
