package segment

import "github.com/bitext/bitext"

// abbrClass says when a known abbreviation followed by a full stop may end
// a sentence. The word before the stop is looked up in lower case, without
// its final stop, with its inner stops kept («т.е», «u.s», «a.m»).
type abbrClass uint8

const (
	// never ends a sentence: titles and words that always introduce
	// something («проф.», «ул.», «т.е.», «Mr.», «e.g.»).
	never abbrClass = iota + 1
	// unit ends a sentence only after a number, before a capital
	// («в 2022 г. Следующий», «5 млн. Затем»); elsewhere it is glued to
	// what follows («г. Москва», «см. рис. 2», «ред. Закона»).
	unit
	// final may end a sentence: it splits before a capital, never before
	// a digit («и т.д. Затем», «etc. The», but «No. 5», «Jan. 12»).
	final
	// andFinal ends a sentence before a capital only after «и» or a number
	// («и пр. Затем», but «пр. Мира»).
	andFinal
	// starterFinal ends a sentence only before a word that starts
	// sentences («at 5 p.m. The …», but «at 6 p.m. Moscow time»).
	starterFinal
)

// The tables below are the source lists; New turns them into maps. Keys are
// lower case, without the final stop, inner stops kept, no spaces: «т. е.»
// is looked up as «т.е».

var ruAbbrevs = map[abbrClass][]string{
	// «им.» before a name, but the pronoun «им» at the end of a sentence:
	// «музей им. Пушкина», «каждый хочет быть им. Но …»
	starterFinal: {"им"},
	never: {
		// introduce what follows
		"т.е", "т.к", "т.ч", "т.н", "т.о", "т.наз", "напр", "ср",
		"англ", "рус", "лат", "франц", "фр", "исп", "араб", "яз",
		"тел", "эл", "моб", "соотв", "сокр", "букв", "мн", "ед",
		// titles and offices before a name
		"проф", "акад", "доц", "чл.-корр", "член-корр", "чл.-кор", "ген", "генерал", "полк", "подполк",
		"лейт", "капт", "серж", "адм", "маршал", "тов", "гр", "гражд", "св",
		"кн", "дж", "гос", "зам", "пом", "нач", "зав", "пред", "и.о", "вр.и.о", "врио",
		"засл", "нар", "междунар", "федер", "нац", "рос", "росс", "сов",
		"ген.-лейт", "ген.-майор", "ген.-полк",
		// places before a name
		"ул", "пер", "просп", "пр-т", "пл", "наб", "бул", "ш", "пос",
		"дер", "пгт", "р-н", "мкр", "о-в", "оз", "ст-ца",
	},
	unit: {
		// years, centuries, counts, money, measures, time
		"г", "гг", "в", "вв", "тыс", "млн", "млрд", "трлн", "руб", "коп",
		"долл", "евро", "чел", "экз", "шт", "ед.изм", "км", "кг", "см", "мм",
		"га", "м", "т", "л", "мл", "мин", "сек", "час", "сут", "дн", "нед",
		"мес", "кв", "ок", "мкм", "тн", "квт", "мвт", "гвт",
		// document references: «ст. 12», «п. 5», «рис. 3», «в ред. закона»
		"ст", "стст", "п", "пп", "подп", "абз", "ч", "гл", "разд", "прил",
		"рис", "табл", "стр", "с", "кн", "вып", "изд", "ред", "прим",
		"д", "корп", "оф", "каб", "док",
		// months
		"янв", "фев", "февр", "мар", "апр", "авг", "сен", "сент", "окт",
		"ноя", "нояб", "дек",
	},
	final: {
		"т.д", "т.п", "др", "проч", "т.г", "с.г", "н.э", "н.в", "обл", "кр",
		"и.т.д", "и.т.п",
	},
	andFinal: {
		"пр",
	},
}

var enAbbrevs = map[abbrClass][]string{
	starterFinal: {"a.m", "p.m"},
	never: {
		// titles before a name
		"mr", "mrs", "ms", "mx", "messrs", "mmes", "mme", "mlle", "dr", "drs",
		"prof", "ste", "mt", "ft", "fr", "rev", "hon", "pres", "amb",
		"gen", "col", "lt", "maj", "capt", "cpt", "cmdr", "adm", "brig", "sgt",
		"cpl", "gov", "sen", "rep", "atty", "supt", "insp", "det",
		// introduce what follows
		"e.g", "i.e", "eg", "ie", "cf", "vs", "viz", "incl", "esp", "resp",
		"approx", "ca", "n.b",
	},
	unit: {
		"st", // «St. Petersburg», but «East 67th St. Visitors …»
		"lb", "lbs", "oz", "km", "kg", "cm", "mm", "mi", "hr", "hrs", "yr",
		"yrs", "sq", "min", "mins", "sec", "secs",
	},
	final: {
		"etc", "al", "inc", "ltd", "co", "corp", "llc", "plc", "bros", "jr",
		"sr", "esq", "ph.d", "m.a", "b.a", "m.sc", "b.sc",
		"dept", "univ", "assn", "govt", "est", "ibid", "cit", "op",
		"no", "nos", "nr", "art", "arts", "para", "paras", "sect", "vol",
		"vols", "fig", "figs", "ch", "chap", "p", "pp", "ed", "eds", "tel",
		"ave", "blvd", "rd", "hwy", "mln", "bn", "tr", "mn",
		"jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct",
		"nov", "dec", "mon", "tue", "tues", "wed", "thu", "thur", "thurs",
		"fri", "sat", "sun",
	},
}

// starters are capitalised words that begin sentences and cannot be the
// name after an initial or the noun after «U.S.»: «in the U.S. The …» and
// «доклад подготовил Крутских А.В. Затем …» split, «the U.S. Army» and
// «А.В. Крутских» do not.
var starters = []string{
	// Russian
	"В", "Во", "На", "По", "С", "Со", "К", "Ко", "О", "Об", "От", "До", "Из",
	"За", "Для", "При", "Под", "Над", "Без", "Через", "У", "И", "А", "Но",
	"Или", "Что", "Как", "Также", "Кроме", "Это", "Этот", "Эта", "Эти", "Он",
	"Она", "Они", "Оно", "Мы", "Я", "Вы", "Его", "Ее", "Её", "Их", "Наш",
	"Наша", "Наши", "Затем", "Потом", "После", "Перед", "Тогда", "Однако",
	"Вместе", "Таким", "Так", "Поэтому", "Сегодня", "Вчера", "Завтра",
	"Сейчас", "Теперь", "Здесь", "Там", "Все", "Всё", "Каждый", "Многие",
	"Некоторые", "Стороны", "Участники", "Кроме", "Помимо", "Согласно",
	"Далее", "Ранее", "Позднее", "Напомним", "Отметим", "Следует",
	// English
	"The", "This", "That", "These", "Those", "It", "Its", "In", "On", "At",
	"As", "He", "She", "We", "They", "I", "You", "But", "And", "Or", "So",
	"However", "Moreover", "Meanwhile", "Also", "A", "An", "There", "Their",
	"Our", "His", "Her", "My", "Your", "For", "After", "Before", "During",
	"When", "While", "If", "Although", "Though", "Since", "Some", "Many",
	"Most", "All", "Both", "Each", "Such", "Then", "Thus", "Yet", "What",
	"Why", "How", "Who", "Where", "Which", "Is", "Are", "Was", "Were", "Do",
	"Does", "Did", "Not", "To", "From", "By", "With", "Under", "Over",
	"Today", "Yesterday", "Tomorrow", "Last", "Next", "First", "Second",
	"Third", "Finally", "Other", "Another", "One", "Two", "Three", "Further",
	"Furthermore", "Nevertheless", "Therefore", "Instead", "According",
	"Earlier", "Later", "Now", "Here", "Every", "No", "Neither", "Nor",
	"Because", "Despite", "Given", "Following", "Unlike", "Like", "Until",
	"Unless", "Whether", "Let", "Please", "Thank", "Thanks", "Several",
	"Few", "Any", "Nobody", "Everyone", "Everybody", "Nothing", "Only",
	"Even", "Still", "Again", "Indeed", "Of", "Although", "Once", "Its",
	"Among", "Some", "Any", "Such", "More", "Less", "Much", "Each", "Every",
	"Almost", "About", "Around", "Between", "Without", "Within", "Above",
	"Below", "Along", "Upon", "Through", "Throughout", "Both", "Neither",
	"Either", "Participants", "Delegations", "Experts", "Officials",
	"Speaking", "Asked", "Answering", "Responding", "Commenting",
	"Visitors", "Questions", "Details", "Registration",
}

// functionWords are words that cannot end a line of prose: a line ending in
// one of them continues on the next line even if that line starts with a
// capital («… of the\nUnited Nations»). Lower case.
var functionWords = []string{
	// English
	"the", "a", "an", "of", "and", "or", "nor", "to", "in", "on", "at",
	"for", "with", "by", "from", "as", "into", "onto", "upon", "about",
	"between", "among", "under", "over", "through", "via", "than", "that",
	"which", "who", "whose", "whom", "is", "are", "was", "were", "be",
	"been", "its", "their", "our", "his", "her", "this", "these", "those",
	"not", "but", "both", "either", "neither", "if", "when", "while", "per",
	"including", "such", "against", "within", "without", "towards",
	"toward", "across", "after", "before", "during", "since", "until",
	"will", "would", "shall", "should", "can", "could", "may", "might",
	"must", "has", "have", "had", "do", "does", "did", "my", "your", "we",
	"they", "he", "she", "it", "i", "you", "mr", "mrs", "ms", "dr",
	// Russian
	"в", "во", "на", "по", "с", "со", "к", "ко", "о", "об", "обо", "от",
	"до", "из", "изо", "за", "для", "при", "под", "подо", "над", "надо",
	"без", "через", "про", "у", "и", "а", "но", "или", "либо", "что",
	"чтобы", "как", "также", "тоже", "же", "ли", "не", "ни", "его", "ее",
	"её", "их", "этот", "эта", "это", "эти", "этой", "этого", "этих",
	"этим", "том", "тот", "та", "те", "того", "которые", "который",
	"которая", "которое", "которых", "которым", "среди", "между", "перед",
	"после", "около", "вокруг", "вне", "внутри", "против", "ради", "вместо",
	"кроме", "согласно", "благодаря", "вследствие", "путем", "путём", "где",
	"когда", "если", "хотя", "будет", "было", "был", "была", "были",
	"является", "являются", "г-н", "г-жа",
}

// tables builds the lookup map for a language: Russian text also meets
// Latin abbreviations («Inc.», «Mr.»), English text never meets Cyrillic
// ones, and Unknown uses both.
func tables(lang bitext.Lang) map[string]abbrClass {
	m := make(map[string]abbrClass)
	add := func(src map[abbrClass][]string) {
		for class, words := range src {
			for _, w := range words {
				if _, dup := m[w]; !dup || class == never {
					m[w] = class
				}
			}
		}
	}
	add(enAbbrevs)
	if lang != bitext.English {
		add(ruAbbrevs)
	}
	return m
}
