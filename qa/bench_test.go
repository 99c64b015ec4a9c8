package qa

import (
	"os"
	"testing"
)

// benchPairs are realistic pairs: the WMT references when they are
// there, else pairs in the style of the seed documents.
func benchPairs(b *testing.B) []Pair {
	var ps []Pair
	if _, err := os.Stat(wmtDir); err == nil {
		for _, d := range loadWMT(b) {
			for k := range d.src {
				ps = append(ps, Pair{RU: d.src[k], EN: d.refs["tgt"][k]})
			}
		}
		return ps
	}
	for range 50 {
		ps = append(ps,
			Pair{"23 сентября в формате видеоконференции состоялась первая встреча в рамках Диалога Россия-АСЕАН по вопросам, связанным с обеспечением безопасности информационно-коммуникационных технологий (ИКТ), учрежденного в развитие профильного совместного заявления лидеров России и стран Ассоциации 2018 г.",
				"On 23 September, the first meeting of the Russia-ASEAN Dialogue on issues related to security of information and communication technologies (ICTs), established pursuant to the relevant joint statement of the leaders of Russia and the ASEAN countries of 2018, was held via videoconference."},
			Pair{"Стороны приветствовали начало работы новой Рабочей группы ООН открытого состава (РГОС) по вопросам безопасности в сфере использования ИКТ и самих ИКТ 2021-2025 гг. и подтвердили, что она должна основываться на нормах, закрепленных в докладах РГОС (2019-2021 гг.) и Групп правительственных экспертов.",
				"The parties welcomed the start of the work of the new UN Open-ended Working Group (OEWG) on security of and in the use of ICTs 2021-2025 and confirmed that it should be based on the norms enshrined in the reports of the OEWG (2019-2021) and the Groups of Governmental Experts."},
			Pair{"Российская делегация представила проект резолюции Первого комитета 76-й сессии ГА ООН по МИБ, отметив, что он основан на резолюции № 75/240.",
				"The Russian delegation presented the draft resolution of the First Committee of the 76th session of the UN General Assembly on IIS, noting that it is based on resolution 75/240."},
			Pair{"На эти цели выделено 2,5 млн рублей и 15 тыс. долларов США.", "2.5 million roubles and 15,000 US dollars were allocated for these purposes."},
		)
	}
	return ps
}

// BenchmarkCheck measures Check over realistic pairs (bytes of both
// sides per second).
func BenchmarkCheck(b *testing.B) {
	ps := benchPairs(b)
	n := 0
	for _, p := range ps {
		n += len(p.RU) + len(p.EN)
	}
	b.SetBytes(int64(n))
	b.ResetTimer()
	for b.Loop() {
		for _, p := range ps {
			Check(p.RU, p.EN)
		}
	}
}

// BenchmarkDoc measures Doc (Check plus length, consistency and name
// spelling) over the same pairs taken as one document.
func BenchmarkDoc(b *testing.B) {
	ps := benchPairs(b)
	n := 0
	for _, p := range ps {
		n += len(p.RU) + len(p.EN)
	}
	b.SetBytes(int64(n))
	b.ResetTimer()
	for b.Loop() {
		Doc(ps)
	}
}
