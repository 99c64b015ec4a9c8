package segment

import (
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"unicode"
	"unicode/utf8"

	"github.com/bitext/bitext"
)

// splitRule is one table case: the input and the sentences it must give.
type splitRule struct {
	name string
	lang bitext.Lang
	in   string
	want []string
}

const (
	ru = bitext.Russian
	en = bitext.English
	un = bitext.Unknown
)

// splitRules has a few cases for each rule of the segmenter, grouped by
// rule. The corpora in testdata have many more.
var splitRules = []splitRule{
	// abbreviations that never end a sentence
	{"ru/т.е.", ru, "Речь идет о правилах, т.е. о нормах. Они обязательны.", []string{"Речь идет о правилах, т.е. о нормах.", "Они обязательны."}},
	{"ru/т. е. spaced", ru, "Это одна сторона, т. е. Россия. Другая воздержалась.", []string{"Это одна сторона, т. е. Россия.", "Другая воздержалась."}},
	{"ru/т.к. before capital", ru, "Встречу перенесли, т.к. Посол заболел.", []string{"Встречу перенесли, т.к. Посол заболел."}},
	{"ru/в т.ч.", ru, "Участвовали 30 стран, в т.ч. Китай и Индия.", []string{"Участвовали 30 стран, в т.ч. Китай и Индия."}},
	{"ru/проф. акад.", ru, "Выступили проф. Орлов и акад. Смирнов.", []string{"Выступили проф. Орлов и акад. Смирнов."}},
	{"ru/ул. им.", ru, "Музей им. Пушкина находится на ул. Волхонка.", []string{"Музей им. Пушкина находится на ул. Волхонка."}},
	{"ru/и.о. зам.", ru, "Доклад сделал и.о. директора, затем зам. Министра.", []string{"Доклад сделал и.о. директора, затем зам. Министра."}},
	{"ru/член-корр.", ru, "Выступил член-корр. РАН Соколов.", []string{"Выступил член-корр. РАН Соколов."}},
	{"ru/Дж.", ru, "Письмо подписал Дж. Браун.", []string{"Письмо подписал Дж. Браун."}},
	{"en/titles", en, "Mr. Smith met Dr. Jones and Prof. Lee.", []string{"Mr. Smith met Dr. Jones and Prof. Lee."}},
	{"en/e.g. i.e.", en, "Some states, e.g. Brazil, agreed, i.e. They signed.", []string{"Some states, e.g. Brazil, agreed, i.e. They signed."}},
	{"en/vs.", en, "It was Russia vs. The Rest in the final.", []string{"It was Russia vs. The Rest in the final."}},
	{"en/all caps title", en, "BY DR. IVAN PETROV, DIRECTOR", []string{"BY DR. IVAN PETROV, DIRECTOR"}},

	// abbreviations that end a sentence before a capital
	{"ru/и т.д.", ru, "Обсуждали нормы, меры и т.д. Затем был обед.", []string{"Обсуждали нормы, меры и т.д.", "Затем был обед."}},
	{"ru/и т. п. lowercase", ru, "Атаки, утечки и т. п. угрозы растут.", []string{"Атаки, утечки и т. п. угрозы растут."}},
	{"ru/и др.", ru, "Пришли МИД, ФСБ и др. Заседание открыл министр.", []string{"Пришли МИД, ФСБ и др.", "Заседание открыл министр."}},
	{"ru/и пр. vs пр. Мира", ru, "Говорили о визах и пр. Офис на пр. Мира закрыт.", []string{"Говорили о визах и пр.", "Офис на пр. Мира закрыт."}},
	{"ru/с.г.", ru, "Проект внесен в мае с.г. Обсуждение продолжится.", []string{"Проект внесен в мае с.г.", "Обсуждение продолжится."}},
	{"en/etc.", en, "We discussed norms, CBMs, etc. The talks went well.", []string{"We discussed norms, CBMs, etc.", "The talks went well."}},
	{"en/etc. lowercase", en, "Norms, CBMs, etc. were discussed.", []string{"Norms, CBMs, etc. were discussed."}},
	{"en/Co. Ltd.", en, "It was built by Zhuzhou Locomotive Co. Ltd. in China.", []string{"It was built by Zhuzhou Locomotive Co. Ltd. in China."}},
	{"en/Inc.", en, "The deal went to Foo Inc. The price was not disclosed.", []string{"The deal went to Foo Inc.", "The price was not disclosed."}},
	{"en/No. before digit", en, "See Decision No. 7 of the Council. It is short.", []string{"See Decision No. 7 of the Council.", "It is short."}},
	{"en/no. as a word", en, "They said no. The vote failed.", []string{"They said no.", "The vote failed."}},
	{"en/Jan. before digit", en, "It starts on Jan. 9 in Vienna.", []string{"It starts on Jan. 9 in Vienna."}},
	{"en/p.m. before a starter", en, "We met at 4 p.m. The talks lasted an hour.", []string{"We met at 4 p.m.", "The talks lasted an hour."}},
	{"en/p.m. before a name", en, "We met at 4 p.m. Vienna time.", []string{"We met at 4 p.m. Vienna time."}},

	// a year or unit abbreviation ends a sentence only after a number
	{"ru/г. after year, capital", ru, "Договор подписан в 2021 г. Следующий этап начнется весной.", []string{"Договор подписан в 2021 г.", "Следующий этап начнется весной."}},
	{"ru/г. after year, lowercase", ru, "Договор подписан в 2021 г. в Минске.", []string{"Договор подписан в 2021 г. в Минске."}},
	{"ru/г. city", ru, "Встреча прошла в г. Минске.", []string{"Встреча прошла в г. Минске."}},
	{"ru/гг. range", ru, "Группа работала в 2016–2017 гг. Ее доклад не принят.", []string{"Группа работала в 2016–2017 гг.", "Ее доклад не принят."}},
	{"ru/leading year phrase", ru, "В 2020 г. ООН приняла резолюцию.", []string{"В 2020 г. ООН приняла резолюцию."}},
	{"ru/leading month year phrase", ru, "В марте 2019 г. ШОС провела форум.", []string{"В марте 2019 г. ШОС провела форум."}},
	{"ru/г. with nbsp", ru, "Это было в 2020\u00a0г. Потом все изменилось.", []string{"Это было в 2020\u00a0г.", "Потом все изменилось."}},
	{"ru/в. century", ru, "Так было в XX в. Сейчас иначе.", []string{"Так было в XX в.", "Сейчас иначе."}},
	{"ru/млн. after number", ru, "Выделено 12 млн. Деньги поступят в мае.", []string{"Выделено 12 млн.", "Деньги поступят в мае."}},
	{"ru/руб. after млрд", ru, "Выделено 2,5 млрд руб. Деньги поступят в мае.", []string{"Выделено 2,5 млрд руб.", "Деньги поступят в мае."}},
	{"ru/долл. США", ru, "Ущерб составил 3 млн долл. США и продолжает расти.", []string{"Ущерб составил 3 млн долл. США и продолжает расти."}},
	{"ru/см. vs см", ru, "Подробнее см. Приложение. Длина 5 см. Ширина 3 см.", []string{"Подробнее см. Приложение.", "Длина 5 см.", "Ширина 3 см."}},
	{"ru/ред. закона", ru, "Закон действует в ред. Указа от 2020 г.", []string{"Закон действует в ред. Указа от 2020 г."}},
	{"ru/док.", ru, "Текст издан как док. A/76/135 Генеральной Ассамблеи.", []string{"Текст издан как док. A/76/135 Генеральной Ассамблеи."}},
	{"en/St. street vs saint", en, "The office is on 5th St. Visitors need a pass. It is near St. Mark's.", []string{"The office is on 5th St.", "Visitors need a pass.", "It is near St. Mark's."}},

	// numbered items, numbers and decimals
	{"ru/п. ст.", ru, "Согласно п. 3 ст. 7 Устава решение принято.", []string{"Согласно п. 3 ст. 7 Устава решение принято."}},
	{"ru/п. 5. end", ru, "Это сказано в п. 5. Прочее не менялось.", []string{"Это сказано в п. 5.", "Прочее не менялось."}},
	{"ru/score", ru, "Матч закончился со счетом 1:2. Ответная игра в мае.", []string{"Матч закончился со счетом 1:2.", "Ответная игра в мае."}},
	{"ru/long number after colon", ru, "Артикул: 5110704. Состав указан ниже.", []string{"Артикул: 5110704.", "Состав указан ниже."}},
	{"ru/unit after compound", ru, "Ветер до 150 км/ч. Прибытие ожидается утром.", []string{"Ветер до 150 км/ч.", "Прибытие ожидается утром."}},
	{"ru/кв. м.", ru, "Площадь 40 кв. м. Пожар потушен.", []string{"Площадь 40 кв. м.", "Пожар потушен."}},
	{"ru/degrees", ru, "Ожидается до +17°С. Дожди маловероятны.", []string{"Ожидается до +17°С.", "Дожди маловероятны."}},
	{"ru/им. pronoun", ru, "Каждый хочет быть им. Но не каждый может.", []string{"Каждый хочет быть им.", "Но не каждый может."}},
	{"ru/им. with initials", ru, "Университет им. Н.И. Пирогова открыт.", []string{"Университет им. Н.И. Пирогова открыт."}},
	{"ru/address г. after comma", ru, "Адрес: 350000, г. Краснодар, ул. Красная.", []string{"Адрес: 350000, г. Краснодар, ул. Красная."}},
	{"en/domain starts", en, "The lawyer agreed. rus.err.ee reported it first.", []string{"The lawyer agreed.", "rus.err.ee reported it first."}},
	{"ru/decimals", ru, "Рост 3.5 % и 2,7 % соответственно. Это много.", []string{"Рост 3.5 % и 2,7 % соответственно.", "Это много."}},
	{"ru/number ends", ru, "Участников стало 75. 20 стран прибыли впервые.", []string{"Участников стало 75.", "20 стран прибыли впервые."}},
	{"en/decimal money", en, "It cost $3.5 million. That is a lot.", []string{"It cost $3.5 million.", "That is a lot."}},
	{"en/Art. para.", en, "See Art. 51 and para. 3 of the text.", []string{"See Art. 51 and para. 3 of the text."}},

	// dates
	{"ru/date dots", ru, "Опубликовано 23.12.2024 на сайте. Повтор 01.01.2025. Конец.", []string{"Опубликовано 23.12.2024 на сайте.", "Повтор 01.01.2025.", "Конец."}},
	{"ru/date range", ru, "Визит прошел 16-17 сентября 2021 г. в Гааге.", []string{"Визит прошел 16-17 сентября 2021 г. в Гааге."}},
	{"en/date", en, "It was held on Sept. 16-17, 2021 in The Hague.", []string{"It was held on Sept. 16-17, 2021 in The Hague."}},

	// initials
	{"ru/initials glued", ru, "Встречу провел А.В.Крутских. Стороны согласились.", []string{"Встречу провел А.В.Крутских.", "Стороны согласились."}},
	{"ru/initials spaced", ru, "Встречу провел О.В. Сыромолотов.", []string{"Встречу провел О.В. Сыромолотов."}},
	{"ru/initials fully spaced", ru, "Встречу провел О. В. Сыромолотов.", []string{"Встречу провел О. В. Сыромолотов."}},
	{"ru/surname then initials, starter", ru, "Доклад сделал Орлов И.П. Затем был перерыв.", []string{"Доклад сделал Орлов И.П.", "Затем был перерыв."}},
	{"ru/surname then initials, noun", ru, "Подписали Орлов И.П. и Седов К.К. Документ вступит в силу.", []string{"Подписали Орлов И.П. и Седов К.К.", "Документ вступит в силу."}},
	{"ru/initials then surname after noun", ru, "Министр Федерации К.К. Седов выступил.", []string{"Министр Федерации К.К. Седов выступил."}},
	{"en/initials", en, "A. Borodin met N.Jaarsma. They talked.", []string{"A. Borodin met N.Jaarsma.", "They talked."}},
	{"en/U.S. before noun", en, "The U.S. Congress voted.", []string{"The U.S. Congress voted."}},
	{"en/U.S. before starter", en, "It was in the U.S. The vote was close.", []string{"It was in the U.S.", "The vote was close."}},
	{"en/U.N. before Several", en, "It went to the U.N. Several states objected.", []string{"It went to the U.N.", "Several states objected."}},

	// URLs and e-mail
	{"ru/url inside", ru, "Текст на https://www.mid.ru/ru/news/ и в архиве.", []string{"Текст на https://www.mid.ru/ru/news/ и в архиве."}},
	{"ru/url at end", ru, "Источник: www.mid.ru. Перепечатка разрешена.", []string{"Источник: www.mid.ru.", "Перепечатка разрешена."}},
	{"en/email at end", en, "Write to press@un.org. We reply fast.", []string{"Write to press@un.org.", "We reply fast."}},
	{"en/url line", en, "Direct link\nhttp://en.kremlin.ru/d/1", []string{"Direct link", "http://en.kremlin.ru/d/1"}},

	// quotes
	{"ru/stop inside «»", ru, "Он сказал: «Мы готовы.» Ответа не было.", []string{"Он сказал: «Мы готовы.»", "Ответа не было."}},
	{"ru/stop after «»", ru, "Это назвали «шагом вперед». Так и есть.", []string{"Это назвали «шагом вперед».", "Так и есть."}},
	{"ru/? inside «» then dash", ru, "«Кто виноват?» — спросил он.", []string{"«Кто виноват?» — спросил он."}},
	{"ru/г. inside «»", ru, "Статья «Итоги 2022 г.» Она вышла в мае.", []string{"Статья «Итоги 2022 г.»", "Она вышла в мае."}},
	{"en/stop inside “”", en, "He said “We are ready.” Nobody answered.", []string{"He said “We are ready.”", "Nobody answered."}},
	{"en/stop inside \"\"", en, "He said \"No.\" Then he left.", []string{"He said \"No.\"", "Then he left."}},
	{"en/? inside quotes lowercase", en, "\"Why?\" she asked.", []string{"\"Why?\" she asked."}},
	{"en/opening quote starts", en, "It ended. \"We won,\" he said.", []string{"It ended.", "\"We won,\" he said."}},

	// ellipses, ?!, !
	{"ru/… lowercase", ru, "Мы надеемся… что нас услышат.", []string{"Мы надеемся… что нас услышат."}},
	{"ru/… capital", ru, "Ответа нет… Переговоры прерваны.", []string{"Ответа нет…", "Переговоры прерваны."}},
	{"ru/... capital", ru, "Ответа нет... Переговоры прерваны.", []string{"Ответа нет...", "Переговоры прерваны."}},
	{"ru/?!", ru, "Разве это честно?! Нет.", []string{"Разве это честно?!", "Нет."}},
	{"ru/?..", ru, "Кто же ответит?.. Никто.", []string{"Кто же ответит?..", "Никто."}},
	{"en/! lowercase", en, "Yahoo! was mentioned.", []string{"Yahoo! was mentioned."}},
	{"en/? then dash, capital", en, "“Ready?” — “Yes,” he said.", []string{"“Ready?”", "— “Yes,” he said."}},
	{"ru/? then dash, lowercase", ru, "«Готовы?» — спросил он.", []string{"«Готовы?» — спросил он."}},
	{"ru/stop then dash, capital", ru, "Машина перевернулась. - В аварии никто не пострадал.", []string{"Машина перевернулась.", "- В аварии никто не пострадал."}},
	{"ru/abbreviation then dash", ru, "Заявление 2018 г. – Основа диалога.", []string{"Заявление 2018 г. – Основа диалога."}},

	// one-word sentences
	{"ru/one word", ru, "Первое. Нужно работать. Второе. Нужно договариваться.", []string{"Первое.", "Нужно работать.", "Второе.", "Нужно договариваться."}},
	{"en/one word", en, "Yes. We agree. No. We do not.", []string{"Yes.", "We agree.", "No.", "We do not."}},

	// parentheses
	{"ru/parenthesis", ru, "Группа (РГОС) работает. Доклад готов.", []string{"Группа (РГОС) работает.", "Доклад готов."}},
	{"ru/stops inside parenthesis", ru, "Все выступили (было 40 речей. Еще 5 прислали тексты). Итог подведен.", []string{"Все выступили (было 40 речей. Еще 5 прислали тексты).", "Итог подведен."}},
	{"ru/parenthesis sentence", ru, "Спасибо. (Аплодисменты.) Продолжим.", []string{"Спасибо.", "(Аплодисменты.)", "Продолжим."}},
	{"en/see in parenthesis", en, "Such steps (see p. 5) work. Others do not.", []string{"Such steps (see p. 5) work.", "Others do not."}},
	{"en/unbalanced parenthesis", en, "It ended (badly. Then we left.", []string{"It ended (badly.", "Then we left."}},

	// list items, each a sentence
	{"ru/dash list", ru, "Обсуждались:\n– нормы;\n— меры;\n- потенциал.", []string{"Обсуждались:", "– нормы;", "— меры;", "- потенциал."}},
	{"ru/bullets", ru, "Меню\n• Новости\n• Документы", []string{"Меню", "• Новости", "• Документы"}},
	{"ru/numbered 1.", ru, "Решено:\n1. Продолжить.\n2. Отчитаться.", []string{"Решено:", "1. Продолжить.", "2. Отчитаться."}},
	{"ru/numbered 1)", ru, "Решено:\n1) продолжить;\n2) отчитаться.", []string{"Решено:", "1) продолжить;", "2) отчитаться."}},
	{"ru/lettered а)", ru, "Предложено:\nа) уточнить;\nб) расширить.", []string{"Предложено:", "а) уточнить;", "б) расширить."}},
	{"en/lettered a)", en, "Agreed:\na) to meet;\nb) to report.", []string{"Agreed:", "a) to meet;", "b) to report."}},
	{"en/star list", en, "Topics\n* security\n* trade", []string{"Topics", "* security", "* trade"}},
	{"ru/roman numbered", ru, "II. Цели\n3. Целью является мир.", []string{"II. Цели", "3. Целью является мир."}},
	{"ru/list item wraps lowercase", ru, "- первый пункт,\nкоторый продолжается;\n- второй.", []string{"- первый пункт,\nкоторый продолжается;", "- второй."}},
	{"ru/inline numbered", ru, "Предлагаем: 1) нормы; 2) меры.", []string{"Предлагаем: 1) нормы; 2) меры."}},
	{"ru/inline 1. after colon", ru, "Повестка: 1. Открытие. 2. Прения.", []string{"Повестка: 1. Открытие.", "2. Прения."}},

	// headings and title lines
	{"ru/markdown heading", ru, "# Заголовок\nТекст. Еще текст.\n## Раздел\nконец", []string{"# Заголовок", "Текст.", "Еще текст.", "## Раздел", "конец"}},
	{"ru/title line", ru, "Заявление МИД\nМосква приветствует решение.", []string{"Заявление МИД", "Москва приветствует решение."}},
	{"ru/title then date", ru, "Новости\n23.12.2024\nСостоялась встреча.", []string{"Новости", "23.12.2024", "Состоялась встреча."}},
	{"ru/hard wrap lowercase", ru, "Стороны договорились\nпровести встречу.", []string{"Стороны договорились\nпровести встречу."}},
	{"ru/wrap after preposition", ru, "Встреча прошла в\nМоскве.", []string{"Встреча прошла в\nМоскве."}},
	{"en/wrap after article", en, "It was adopted by the\nGeneral Assembly.", []string{"It was adopted by the\nGeneral Assembly."}},
	{"ru/wrap after abbreviation", ru, "Это было в 2022 г.\nв Москве.", []string{"Это было в 2022 г.\nв Москве."}},
	{"en/wrapped paragraph", en, "The parties agreed to continue the consultations and to hold\nthe next round in Moscow next year, subject to the epidemic\nSituation Centre approval of the dates and the venue.",
		[]string{"The parties agreed to continue the consultations and to hold\nthe next round in Moscow next year, subject to the epidemic\nSituation Centre approval of the dates and the venue."}},
	{"en/long title over text", en, "Statement of the Ministry of Foreign Affairs on the report about cyberattacks\nWe have read the report. It has no evidence.",
		[]string{"Statement of the Ministry of Foreign Affairs on the report about cyberattacks", "We have read the report.", "It has no evidence."}},
	{"en/title over short lines", en, "Joint statement on ICT security\nGeneva, 5 May 2023\nThe parties met in Geneva.",
		[]string{"Joint statement on ICT security", "Geneva, 5 May 2023", "The parties met in Geneva."}},
	{"en/caps heading over text", en, "STATEMENT OF THE DELEGATION\nAT THE SESSION OF THE GROUP\nThank you, Mr. Chair.",
		[]string{"STATEMENT OF THE DELEGATION\nAT THE SESSION OF THE GROUP", "Thank you, Mr. Chair."}},
	{"ru/bold heading", ru, "**Постоянное\nпредставительство\nРоссии**\nТекст.", []string{"**Постоянное\nпредставительство\nРоссии**", "Текст."}},
	{"en/italic address", en, "*1 Main Street\nNew York*\nText.", []string{"*1 Main Street\nNew York*", "Text."}},
	{"ru/salutation", ru, "Уважаемые коллеги,\nПозвольте начать.", []string{"Уважаемые коллеги,", "Позвольте начать."}},
	{"ru/separator", ru, "Конец.\n* * *\nНачало.", []string{"Конец.", "* * *", "Начало."}},
	{"ru/rule", ru, "Конец\n---\nНачало", []string{"Конец", "---", "Начало"}},
	{"ru/blank line", ru, "Без точки\n\nв новом абзаце", []string{"Без точки", "в новом абзаце"}},
	{"en/dialogue dashes", en, "— Ready?\n— Yes.", []string{"— Ready?", "— Yes."}},

	// whitespace and edges
	{"empty", un, "", nil},
	{"spaces", un, " \n\t\u00a0 ", nil},
	{"no stop", un, "  Just words  ", []string{"Just words"}},
	{"trailing stop", un, "Одно.", []string{"Одно."}},
	{"stop then spaces", un, "Одно.   ", []string{"Одно."}},
	{"unicode spaces", un, "Одно.\u2003Два.\u00a0Три.", []string{"Одно.", "Два.", "Три."}},
	{"crlf", un, "Одно.\r\nДва.", []string{"Одно.", "Два."}},
	{"unknown uses both tables", un, "Мы были в г. Москве. Mr. Smith came.", []string{"Мы были в г. Москве.", "Mr. Smith came."}},
	{"mixed falls back to union", bitext.Mixed, "См. п. 5. Mr. Smith came.", []string{"См. п. 5.", "Mr. Smith came."}},
}

func TestSplitRules(t *testing.T) {
	s := New()
	for _, tc := range splitRules {
		t.Run(tc.name, func(t *testing.T) {
			sp := s.Split(tc.in, tc.lang)
			checkSpans(t, tc.in, sp)
			got := s.Sentences(tc.in, tc.lang)
			if strings.Join(got, "\x00") != strings.Join(tc.want, "\x00") {
				t.Errorf("Split(%q)\n got  %q\n want %q", tc.in, got, tc.want)
			}
		})
	}
}

// TestLangTables shows that the language picks the abbreviation table:
// English text does not know Russian abbreviations, Russian and Unknown
// know both.
func TestLangTables(t *testing.T) {
	s := New()
	in := "Это было в 2021 г. Следующий год. Mr. Smith came."
	for _, c := range []struct {
		lang bitext.Lang
		n    int
	}{{ru, 3}, {un, 3}, {en, 3}} {
		if got := len(s.Split(in, c.lang)); got != c.n {
			t.Errorf("%s: %d sentences, want %d", c.lang, got, c.n)
		}
	}
	// «проф.» is Russian only: English text splits after it
	in = "Выступил проф. Иванов."
	if got := len(s.Split(in, ru)); got != 1 {
		t.Errorf("ru: %d sentences, want 1", got)
	}
	if got := len(s.Split(in, en)); got != 2 {
		t.Errorf("en: %d sentences, want 2 (no Russian table)", got)
	}
}

var paragraphCases = []struct {
	name string
	in   string
	want []string
}{
	{"empty", "", nil},
	{"blank only", "\n \n\t\n", nil},
	{"one", "Одна строка.", []string{"Одна строка."}},
	{"two blocks", "Первый.\nвсе еще первый.\n\nВторой.", []string{"Первый.\nвсе еще первый.", "Второй."}},
	{"many blank lines with spaces", "A\n  \n\u00a0\n\nB\n", []string{"A", "B"}},
	{"trimmed", "  \n  Текст  \n\n", []string{"Текст"}},
	{"heading alone", "# Заголовок\nТекст.\nЕще.", []string{"# Заголовок", "Текст.\nЕще."}},
	{"heading between", "Текст.\n## Раздел\nЕще.", []string{"Текст.", "## Раздел", "Еще."}},
	{"indented heading", "   ### H\nx", []string{"### H", "x"}},
	{"not a heading", "#hashtag\nx", []string{"#hashtag\nx"}},
	{"seven hashes", "####### x\ny", []string{"####### x\ny"}},
	{"empty heading", "#\ny", []string{"#", "y"}},
	{"list block", "Пункты:\n- один;\n- два.", []string{"Пункты:\n- один;\n- два."}},
	{"crlf", "A\r\n\r\nB", []string{"A", "B"}},
}

func TestParagraphs(t *testing.T) {
	for _, tc := range paragraphCases {
		t.Run(tc.name, func(t *testing.T) {
			sp := Paragraphs(tc.in)
			checkSpans(t, tc.in, sp)
			var got []string
			for _, p := range sp {
				got = append(got, tc.in[p.Start:p.End])
			}
			if strings.Join(got, "\x00") != strings.Join(tc.want, "\x00") {
				t.Errorf("Paragraphs(%q)\n got  %q\n want %q", tc.in, got, tc.want)
			}
		})
	}
}

// TestSeeds splits the sample documents (when they are there) paragraph by
// paragraph and checks the spans and a few known sentences.
func TestSeeds(t *testing.T) {
	files, _ := filepath.Glob(filepath.Join(seedDir, "*.txt"))
	if len(files) == 0 {
		t.Skip("no seed documents in " + seedDir)
	}
	s := New()
	all := map[string]bool{}
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		text := string(b)
		n := 0
		for _, p := range Paragraphs(text) {
			para := text[p.Start:p.End]
			sp := s.Split(para, un)
			checkSpans(t, para, sp)
			for _, x := range sp {
				all[strings.ReplaceAll(para[x.Start:x.End], "\u00a0", " ")] = true
			}
			n += len(sp)
		}
		t.Logf("%s: %d sentences", filepath.Base(f), n)
	}
	for _, want := range []string{
		"A. Borodin also presented a number of proposals regarding the organization and holding of international scientific and practical events in the field of information security and training of personnel in this field.",
		"Сопредседателями стали заместитель Министра иностранных дел Российской Федерации О.В.Сыромолотов и Государственный секретарь Министерства почты и телекоммуникаций Королевства Камбоджа Сок Путхивутха.",
		"23.12.2024",
		"• Events",
		"Источник: https://www.mid.ru",
		"New York, 1-2 June 2021",
	} {
		if !all[want] {
			t.Errorf("seed sentence not found: %q", want)
		}
	}
}

// seedDir holds the sample documents of the domain, outside the module.
const seedDir = "../../../shared/seeds"

// TestConcurrentSplit runs one Segmenter from many goroutines; run it with
// -race.
func TestConcurrentSplit(t *testing.T) {
	s := New()
	cases, _ := loadCorpus(t, "ru.cases")
	want := make([]int, len(cases))
	for i, c := range cases {
		want[i] = len(s.Split(c.text, ru))
	}
	var wg sync.WaitGroup
	for g := 0; g < 8; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i, c := range cases {
				if got := len(s.Split(c.text, ru)); got != want[i] {
					t.Errorf("%s: %d sentences, want %d", c.where, got, want[i])
				}
			}
		}()
	}
	wg.Wait()
}

// checkSpans checks the promises of Split and Paragraphs: spans in order,
// within bounds, not empty, not overlapping, trimmed, and nothing but
// Unicode whitespace outside them.
func checkSpans(t testing.TB, text string, sp []bitext.Span) {
	t.Helper()
	prev := 0
	for i, s := range sp {
		if s.Start < prev || s.End <= s.Start || s.End > len(text) {
			t.Fatalf("span %d %v: out of order, empty or out of bounds (prev end %d, len %d)", i, s, prev, len(text))
		}
		if !allSpace(text[prev:s.Start]) {
			t.Fatalf("span %d %v: non-space bytes before it: %q", i, s, text[prev:s.Start])
		}
		first, _ := utf8.DecodeRuneInString(text[s.Start:s.End])
		last, _ := utf8.DecodeLastRuneInString(text[s.Start:s.End])
		if unicode.IsSpace(first) || unicode.IsSpace(last) {
			t.Fatalf("span %d %v not trimmed: %q", i, s, text[s.Start:s.End])
		}
		prev = s.End
	}
	if !allSpace(text[prev:]) {
		t.Fatalf("non-space bytes after the last span: %q", text[prev:])
	}
}

// allSpace reports whether s is all Unicode whitespace (invalid UTF-8 is
// not whitespace).
func allSpace(s string) bool {
	for len(s) > 0 {
		r, n := utf8.DecodeRuneInString(s)
		if !unicode.IsSpace(r) || (r == utf8.RuneError && n == 1) {
			return false
		}
		s = s[n:]
	}
	return true
}
