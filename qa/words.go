package qa

// wordNum is what a number word means.
type wordNum struct {
	v     float64
	ord   bool
	scale int  // a power of ten: hundred 2, thousand 3, million 6…
	alone bool // a number by itself that takes no parts: "twice", «оба»
	roman bool
	half  bool // «с половиной»: adds a half
}

// Read-only tables, built once.
var (
	ruWords = buildRuWords()
	enWords = buildEnWords()
	// ruScale and enScale are the scale words after a number in digits.
	ruScale = buildRuScale()
	enScale = map[string]int{
		"hundred": 2, "thousand": 3, "thousands": 3, "million": 6, "millions": 6, "mn": 6, "mln": 6,
		"billion": 9, "billions": 9, "bn": 9, "bln": 9, "trillion": 12, "trillions": 12, "tn": 12, "trn": 12, "tln": 12, "trln": 12,
	}
)

func buildRuScale() map[string]int {
	m := map[string]int{"тыс": 3, "млн": 6, "млрд": 9, "трлн": 12}
	for _, f := range []string{"тысяча", "тысячи", "тысяч", "тысячу", "тысячей", "тысяче", "тысячам", "тысячами", "тысячах", "тысячью"} {
		m[f] = 3
	}
	ends := []string{"", "а", "ов", "у", "ом", "е", "ы", "ам", "ами", "ах"}
	for stem, sc := range map[string]int{"миллион": 6, "миллиард": 9, "триллион": 12} {
		for _, e := range ends {
			m[stem+e] = sc
		}
	}
	return m
}

func buildRuWords() map[string]wordNum {
	m := map[string]wordNum{}
	card := func(v float64, forms ...string) {
		for _, f := range forms {
			m[f] = wordNum{v: v}
		}
	}
	card(0, "ноль", "нуль", "ноля", "нуля")
	card(1, "один", "одна", "одно", "одного", "одной", "одному", "одним", "одном", "одну", "одни", "одних")
	card(2, "два", "две", "двух", "двум", "двумя")
	card(3, "три", "трех", "трёх", "трем", "трём", "тремя")
	card(4, "четыре", "четырех", "четырёх", "четырем", "четырём", "четырьмя")
	for stem, v := range map[string]float64{"пят": 5, "шест": 6, "сем": 7, "девят": 9, "десят": 10,
		"одиннадцат": 11, "двенадцат": 12, "тринадцат": 13, "четырнадцат": 14, "пятнадцат": 15,
		"шестнадцат": 16, "семнадцат": 17, "восемнадцат": 18, "девятнадцат": 19, "двадцат": 20, "тридцат": 30} {
		card(v, stem+"ь", stem+"и", stem+"ью")
	}
	card(8, "восемь", "восьми", "восемью", "восьмью")
	card(40, "сорок", "сорока")
	card(50, "пятьдесят", "пятидесяти", "пятьюдесятью")
	card(60, "шестьдесят", "шестидесяти", "шестьюдесятью")
	card(70, "семьдесят", "семидесяти", "семьюдесятью")
	card(80, "восемьдесят", "восьмидесяти", "восемьюдесятью")
	card(90, "девяносто", "девяноста")
	card(100, "сто", "ста")
	card(200, "двести", "двухсот", "двумстам", "двумястами", "двухстах")
	card(300, "триста", "трехсот", "трёхсот")
	card(400, "четыреста", "четырехсот", "четырёхсот")
	card(500, "пятьсот", "пятисот")
	card(600, "шестьсот", "шестисот")
	card(700, "семьсот", "семисот")
	card(800, "восемьсот", "восьмисот")
	card(900, "девятьсот", "девятисот")
	for _, f := range []string{"полтора", "полторы", "полутора"} {
		m[f] = wordNum{v: 1.5}
	}
	alone := func(v float64, forms ...string) {
		for _, f := range forms {
			m[f] = wordNum{v: v, alone: true}
		}
	}
	alone(2, "оба", "обе", "обоих", "обеих", "обоим", "обеим", "дважды", "вдвое", "двое", "двоих")
	alone(3, "трижды", "втрое", "трое", "троих")
	alone(4, "четырежды", "вчетверо", "четверо", "четверых")
	alone(5, "пятеро", "впятеро")
	alone(6, "шестеро")
	alone(7, "семеро")
	alone(10, "вдесятеро", "десятки")
	alone(12, "дюжина", "дюжины")
	alone(24, "сутки", "суток", "суткам", "сутках", "суточный", "суточная", "суточное", "суточного", "суточной", "суточные", "суточных", "круглосуточно", "круглосуточный", "круглосуточная", "круглосуточное", "круглосуточной")
	m["половиной"] = wordNum{v: 0.5, half: true}
	alone(100, "сотни", "сотня", "сотен")
	for f, sc := range buildRuScale() {
		if f == "тыс" || f == "млн" || f == "млрд" || f == "трлн" {
			continue
		}
		m[f] = wordNum{scale: sc}
	}
	ends := []string{"ый", "ой", "ий", "ая", "ое", "ого", "ому", "ым", "ом", "ые", "ых", "ыми", "ую", "ей"}
	for stem, v := range map[string]float64{"перв": 1, "втор": 2, "четверт": 4, "четвёрт": 4, "пят": 5, "шест": 6,
		"седьм": 7, "восьм": 8, "девят": 9, "десят": 10, "одиннадцат": 11, "двенадцат": 12, "тринадцат": 13,
		"четырнадцат": 14, "пятнадцат": 15, "шестнадцат": 16, "семнадцат": 17, "восемнадцат": 18,
		"девятнадцат": 19, "двадцат": 20, "тридцат": 30, "сороков": 40, "пятидесят": 50, "шестидесят": 60,
		"семидесят": 70, "восьмидесят": 80, "девяност": 90, "сот": 100, "тысячн": 1000} {
		for _, e := range ends {
			if _, taken := m[stem+e]; !taken {
				m[stem+e] = wordNum{v: v, ord: true}
			}
		}
	}
	for _, f := range []string{"третий", "третья", "третье", "третьего", "третьему", "третьим", "третьем", "третьи", "третьих", "третьими", "третью", "третьей"} {
		m[f] = wordNum{v: 3, ord: true}
	}
	return m
}

func buildEnWords() map[string]wordNum {
	m := map[string]wordNum{}
	cards := []string{"zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten",
		"eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen", "nineteen"}
	ords := []string{"zeroth", "first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth", "ninth", "tenth",
		"eleventh", "twelfth", "thirteenth", "fourteenth", "fifteenth", "sixteenth", "seventeenth", "eighteenth", "nineteenth"}
	for v, f := range cards {
		m[f] = wordNum{v: float64(v)}
	}
	for v, f := range ords {
		m[f] = wordNum{v: float64(v), ord: true}
	}
	tens := []string{"twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"}
	tenOrds := []string{"twentieth", "thirtieth", "fortieth", "fiftieth", "sixtieth", "seventieth", "eightieth", "ninetieth"}
	decades := []string{"twenties", "thirties", "forties", "fifties", "sixties", "seventies", "eighties", "nineties"}
	for k := range tens {
		m[decades[k]] = wordNum{v: float64(20 + 10*k), alone: true}
		m[tens[k]] = wordNum{v: float64(20 + 10*k)}
		m[tenOrds[k]] = wordNum{v: float64(20 + 10*k), ord: true}
	}
	m["hundredth"] = wordNum{v: 100, ord: true}
	m["thousandth"] = wordNum{v: 1000, ord: true}
	m["firstly"] = wordNum{v: 1, ord: true, alone: true}
	m["secondly"] = wordNum{v: 2, ord: true, alone: true}
	m["thirdly"] = wordNum{v: 3, ord: true, alone: true}
	for f, sc := range enScale {
		if len(f) > 3 {
			m[f] = wordNum{scale: sc}
		}
	}
	for f, v := range map[string]float64{"twice": 2, "double": 2, "doubled": 2, "both": 2, "pair": 2, "couple": 2,
		"thrice": 3, "triple": 3, "tripled": 3, "threefold": 3, "fourfold": 4, "fivefold": 5, "tenfold": 10,
		"dozen": 12, "dozens": 12, "half": 0.5, "hundreds": 100, "decade": 10, "decades": 10} {
		m[f] = wordNum{v: v, alone: true}
	}
	return m
}
