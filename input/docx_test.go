package input

import (
	"archive/zip"
	"bytes"
	"context"
	"errors"
	"hash/crc32"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

// Namespace declarations of the document parts the tests build.
const docxNS = `xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" ` +
	`xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships" ` +
	`xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006" ` +
	`xmlns:wp="http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing" ` +
	`xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main" ` +
	`xmlns:wps="http://schemas.microsoft.com/office/word/2010/wordprocessingShape" ` +
	`xmlns:v="urn:schemas-microsoft-com:vml" mc:Ignorable="wps"`

const packageRels = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">` +
	`<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/>` +
	`</Relationships>`

const contentTypes = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">` +
	`<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>` +
	`<Default Extension="xml" ContentType="application/xml"/>` +
	`<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>` +
	`</Types>`

// documentXML wraps body into a main document part.
func documentXML(body string) string {
	return `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>` + "\n" +
		`<w:document ` + docxNS + `><w:body>` + body + `<w:sectPr><w:pgSz w:w="11906" w:h="16838"/></w:sectPr></w:body></w:document>`
}

// zipParts packs parts (name → contents, in the order of names) into a
// ZIP archive with a fixed time stamp.
func zipParts(t testing.TB, names []string, parts map[string]string) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, name := range names {
		w, err := zw.CreateHeader(&zip.FileHeader{Name: name, Method: zip.Deflate, Modified: time.Date(2024, 3, 12, 0, 0, 0, 0, time.UTC)})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := w.Write([]byte(parts[name])); err != nil {
			t.Fatal(err)
		}
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// docxFile builds a DOCX whose body is body, with extra parts (such as
// footnotes) added.
func docxFile(t testing.TB, body string, extra map[string]string) []byte {
	t.Helper()
	parts := map[string]string{
		"[Content_Types].xml": contentTypes,
		"_rels/.rels":         packageRels,
		"word/document.xml":   documentXML(body),
	}
	names := []string{"[Content_Types].xml", "_rels/.rels", "word/document.xml"}
	for name, data := range extra {
		parts[name] = data
		names = append(names, name)
	}
	// Extra parts in a fixed order, so that the bytes are reproducible.
	slices.Sort(names[3:])
	return zipParts(t, names, parts)
}

// para is a paragraph of one run of text.
func para(text string) string {
	return `<w:p><w:r><w:t xml:space="preserve">` + text + `</w:t></w:r></w:p>`
}

const footnotesXML = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:footnotes ` + docxNS + `>` +
	`<w:footnote w:type="separator" w:id="-1"><w:p><w:r><w:separator/></w:r></w:p></w:footnote>` +
	`<w:footnote w:type="continuationSeparator" w:id="0"><w:p><w:r><w:continuationSeparator/></w:r></w:p></w:footnote>` +
	`<w:footnote w:id="1"><w:p><w:pPr><w:pStyle w:val="FootnoteText"/></w:pPr><w:r><w:footnoteRef/></w:r>` +
	`<w:r><w:t xml:space="preserve"> Резолюция 73/27 Генеральной Ассамблеи ООН.</w:t></w:r></w:p></w:footnote>` +
	`</w:footnotes>`

const documentRels = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">` +
	`<Relationship Id="rId5" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/hyperlink" Target="https://mid.ru/" TargetMode="External"/>` +
	`<Relationship Id="rId6" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/footnotes" Target="footnotes.xml"/>` +
	`</Relationships>`

// docxCases are bodies of Word documents with the text they must give.
var docxCases = []struct {
	name  string
	body  string
	extra map[string]string
	want  string
}{
	{"paragraphs", para("Заявление МИД России.") + para("Текст заявления."), nil,
		"Заявление МИД России.\n\nТекст заявления."},
	{"a sentence split over runs",
		`<w:p><w:r><w:t xml:space="preserve">Министр иностранных дел </w:t></w:r><w:r><w:rPr><w:b/><w:lang w:val="ru-RU"/></w:rPr><w:t>С.В.</w:t></w:r>` +
			`<w:proofErr w:type="spellStart"/><w:r><w:t xml:space="preserve"> Лавров</w:t></w:r><w:proofErr w:type="spellEnd"/>` +
			`<w:r><w:t xml:space="preserve"> провёл переговоры.</w:t></w:r></w:p>`, nil,
		"Министр иностранных дел С.В. Лавров провёл переговоры."},
	{"spaces without xml:space=preserve are not text",
		`<w:p><w:r><w:t>  Брифинг  </w:t></w:r><w:r><w:t xml:space="preserve"> официального представителя</w:t></w:r></w:p>`, nil,
		"Брифинг официального представителя"},
	{"heading, list paragraphs and empty paragraphs",
		`<w:p><w:pPr><w:pStyle w:val="Heading1"/><w:rPr><w:b/></w:rPr></w:pPr><w:r><w:t>О консультациях по МИБ</w:t></w:r></w:p>` +
			`<w:p/><w:p><w:pPr><w:pStyle w:val="Title"/></w:pPr></w:p>` +
			`<w:p><w:pPr><w:pStyle w:val="ListParagraph"/><w:numPr><w:ilvl w:val="0"/><w:numId w:val="1"/></w:numPr></w:pPr><w:r><w:t>укрепление доверия;</w:t></w:r></w:p>` +
			`<w:p><w:pPr><w:numPr><w:ilvl w:val="0"/><w:numId w:val="1"/></w:numPr></w:pPr><w:r><w:t>развитие сотрудничества.</w:t></w:r></w:p>`, nil,
		"О консультациях по МИБ\n\nукрепление доверия;\n\nразвитие сотрудничества."},
	{"tabs, line breaks and page breaks",
		`<w:p><w:pPr><w:tabs><w:tab w:val="left" w:pos="720"/></w:tabs></w:pPr><w:r><w:t>Москва,</w:t><w:tab/><w:t>12 марта 2024 г.</w:t></w:r></w:p>` +
			`<w:p><w:r><w:t>Первая строка адреса</w:t><w:br/><w:t>вторая строка</w:t><w:cr/><w:t>третья строка</w:t></w:r></w:p>` +
			`<w:p><w:r><w:t>До разрыва страницы.</w:t><w:br w:type="page"/><w:t>После разрыва.</w:t></w:r></w:p>`, nil,
		"Москва,\t12 марта 2024 г.\n\nПервая строка адреса\nвторая строка\nтретья строка\n\nДо разрыва страницы.\n\nПосле разрыва."},
	{"table cell by cell",
		para("Перед таблицей.") +
			`<w:tbl><w:tblPr><w:tblW w:w="0" w:type="auto"/></w:tblPr><w:tblGrid><w:gridCol w:w="4000"/><w:gridCol w:w="4000"/></w:tblGrid>` +
			`<w:tr><w:trPr><w:tblHeader/></w:trPr><w:tc><w:tcPr><w:tcW w:w="4000"/></w:tcPr>` + para("Дата") + `</w:tc><w:tc>` + para("Мероприятие") + `</w:tc></w:tr>` +
			`<w:tr><w:tc>` + para("11 марта") + `</w:tc><w:tc>` + para("Консультации в Женеве.") + para("Итоги подведены.") + `</w:tc></w:tr>` +
			`<w:tr><w:tc><w:p/></w:tc><w:tc>` + para("Без даты.") + `</w:tc></w:tr>` +
			`</w:tbl>` + para("После таблицы."), nil,
		"Перед таблицей.\n\nДата\n\nМероприятие\n\n11 марта\n\nКонсультации в Женеве.\n\nИтоги подведены.\n\nБез даты.\n\nПосле таблицы."},
	{"tracked changes: insertions kept, deletions and moved-away text dropped",
		`<w:p><w:r><w:t xml:space="preserve">Стороны </w:t></w:r>` +
			`<w:del w:id="1" w:author="Редактор"><w:r><w:delText xml:space="preserve">кратко </w:delText></w:r></w:del>` +
			`<w:ins w:id="2" w:author="Редактор"><w:r><w:t xml:space="preserve">подробно </w:t></w:r></w:ins>` +
			`<w:r><w:t>обсудили вопросы МИБ.</w:t></w:r></w:p>` +
			`<w:p><w:moveFrom w:id="3"><w:r><w:t>Перенесённый текст.</w:t></w:r></w:moveFrom></w:p>` +
			`<w:p><w:moveTo w:id="4"><w:r><w:t>Перенесённый текст.</w:t></w:r></w:moveTo></w:p>`, nil,
		"Стороны подробно обсудили вопросы МИБ.\n\nПеренесённый текст."},
	{"field codes dropped, field results kept",
		`<w:p><w:r><w:t xml:space="preserve">См. </w:t></w:r>` +
			`<w:r><w:fldChar w:fldCharType="begin"/></w:r><w:r><w:instrText xml:space="preserve"> HYPERLINK "https://mid.ru/" </w:instrText></w:r>` +
			`<w:r><w:fldChar w:fldCharType="separate"/></w:r><w:r><w:t>сайт МИД</w:t></w:r><w:r><w:fldChar w:fldCharType="end"/></w:r>` +
			`<w:r><w:t xml:space="preserve">, дата: </w:t></w:r>` +
			`<w:fldSimple w:instr=" DATE \@ &quot;dd.MM.yyyy&quot; "><w:r><w:t>12.03.2024</w:t></w:r></w:fldSimple>` +
			`<w:r><w:t xml:space="preserve">; страница </w:t></w:r>` +
			// a field inside the code of another: its result is code too
			`<w:r><w:fldChar w:fldCharType="begin"/></w:r><w:r><w:instrText xml:space="preserve"> IF </w:instrText></w:r>` +
			`<w:r><w:fldChar w:fldCharType="begin"/></w:r><w:r><w:instrText> PAGE </w:instrText></w:r><w:r><w:fldChar w:fldCharType="separate"/></w:r>` +
			`<w:r><w:t>1</w:t></w:r><w:r><w:fldChar w:fldCharType="end"/></w:r><w:r><w:instrText xml:space="preserve"> = 1 "первая" "другая" </w:instrText></w:r>` +
			`<w:r><w:fldChar w:fldCharType="separate"/></w:r><w:r><w:t>первая</w:t></w:r><w:r><w:fldChar w:fldCharType="end"/></w:r>` +
			`<w:r><w:t>.</w:t></w:r></w:p>`, nil,
		"См. сайт МИД, дата: 12.03.2024; страница первая."},
	{"hyperlinks, smart tags, content controls and custom XML",
		`<w:p><w:hyperlink r:id="rId5" w:history="1"><w:r><w:rPr><w:rStyle w:val="Hyperlink"/></w:rPr><w:t>Полный текст</w:t></w:r></w:hyperlink>` +
			`<w:r><w:t xml:space="preserve"> опубликован </w:t></w:r><w:smartTag w:uri="urn:x" w:element="date"><w:r><w:t>12 марта</w:t></w:r></w:smartTag></w:p>` +
			`<w:sdt><w:sdtPr><w:alias w:val="Подпись"/><w:placeholder><w:docPart w:val="Заполнитель"/></w:placeholder></w:sdtPr>` +
			`<w:sdtContent>` + para("Департамент информации и печати") + `</w:sdtContent></w:sdt>` +
			`<w:customXml w:element="signature">` + para("МИД России") + `</w:customXml>`, map[string]string{"word/_rels/document.xml.rels": documentRels},
		"Полный текст опубликован 12 марта\n\nДепартамент информации и печати\n\nМИД России"},
	{"a text box comes once, after its paragraph",
		`<w:p><w:r><w:t xml:space="preserve">Текст с врезкой. </w:t></w:r><w:r><mc:AlternateContent>` +
			`<mc:Choice Requires="wps"><w:drawing><wp:anchor><wp:docPr id="1" name="Надпись 1" descr="Описание рисунка"/><a:graphic><a:graphicData>` +
			`<wps:wsp><wps:txbx><w:txbxContent>` + para("Врезка: справка о МИБ.") + para("Второй абзац врезки.") + `</w:txbxContent></wps:txbx></wps:wsp>` +
			`</a:graphicData></a:graphic></wp:anchor></w:drawing></mc:Choice>` +
			`<mc:Fallback><w:pict><v:shape><v:textbox><w:txbxContent>` + para("Врезка: справка о МИБ.") + para("Второй абзац врезки.") + `</w:txbxContent></v:textbox></v:shape></w:pict></mc:Fallback>` +
			`</mc:AlternateContent></w:r><w:r><w:t>Продолжение абзаца.</w:t></w:r></w:p>` + para("Следующий абзац."), nil,
		"Текст с врезкой. Продолжение абзаца.\n\nВрезка: справка о МИБ.\n\nВторой абзац врезки.\n\nСледующий абзац."},
	{"a text box in VML only",
		`<w:p><w:r><w:pict><v:shape><v:textbox><w:txbxContent>` + para("Врезка.") + `</w:txbxContent></v:textbox></v:shape></w:pict></w:r></w:p>`, nil,
		"Врезка."},
	{"hidden runs dropped",
		`<w:p><w:r><w:t xml:space="preserve">Видимый текст.</w:t></w:r><w:r><w:rPr><w:vanish/></w:rPr><w:t xml:space="preserve"> Скрытая пометка.</w:t></w:r>` +
			`<w:r><w:rPr><w:vanish w:val="0"/></w:rPr><w:t xml:space="preserve"> Снова видимый.</w:t></w:r><w:r><w:t xml:space="preserve"> Конец.</w:t></w:r></w:p>`, nil,
		"Видимый текст. Снова видимый. Конец."},
	{"hyphens and symbols",
		`<w:p><w:r><w:t>ИКТ</w:t><w:noBreakHyphen/><w:t>среды, инфор</w:t><w:softHyphen/><w:t>мационной</w:t><w:sym w:font="Wingdings" w:char="F0FC"/></w:r></w:p>`, nil,
		"ИКТ-среды, информационной"},
	{"footnotes after the body, separators skipped",
		`<w:p><w:r><w:t>Согласно резолюции</w:t></w:r><w:r><w:rPr><w:rStyle w:val="FootnoteReference"/></w:rPr><w:footnoteReference w:id="1"/></w:r><w:r><w:t>.</w:t></w:r></w:p>`,
		map[string]string{"word/_rels/document.xml.rels": documentRels, "word/footnotes.xml": footnotesXML},
		"Согласно резолюции.\n\nРезолюция 73/27 Генеральной Ассамблеи ООН."},
	{"entities and characters",
		`<w:p><w:r><w:t>«Ростех» &amp; АО &lt;НПО&gt; &#8212; 5&#160;000</w:t></w:r></w:p>`, nil,
		"«Ростех» & АО <НПО> — 5 000"},
}

func TestDOCX(t *testing.T) {
	r := &Reader{}
	for _, tc := range docxCases {
		t.Run(tc.name, func(t *testing.T) {
			b := docxFile(t, tc.body, tc.extra)
			doc, err := r.Read(context.Background(), "release.docx", bytes.NewReader(b))
			if err != nil {
				t.Fatal(err)
			}
			if doc.Text != tc.want {
				t.Errorf("text =\n%q\nwant\n%q", doc.Text, tc.want)
			}
			if doc.Format != FormatDOCX || doc.Encoding != EncUTF8 || doc.Name != "release.docx" {
				t.Errorf("format %q, encoding %q, name %q", doc.Format, doc.Encoding, doc.Name)
			}
			checkText(t, doc.Text)
		})
	}
}

// TestDOCXPackages checks documents whose parts are laid out differently.
func TestDOCXPackages(t *testing.T) {
	r := &Reader{}
	body := documentXML(para("Текст документа."))
	strict := strings.ReplaceAll(body, "http://schemas.openxmlformats.org/wordprocessingml/2006/main", "http://purl.oclc.org/ooxml/wordprocessingml/main")
	otherRels := strings.ReplaceAll(packageRels, `Target="word/document.xml"`, `Target="/word/main.xml"`)
	tests := []struct {
		name  string
		names []string
		parts map[string]string
	}{
		{"strict OOXML", []string{"_rels/.rels", "word/document.xml"}, map[string]string{"_rels/.rels": packageRels, "word/document.xml": strict}},
		{"main part named by the relationships", []string{"_rels/.rels", "word/main.xml", "word/document.xml"},
			map[string]string{"_rels/.rels": otherRels, "word/main.xml": body, "word/document.xml": documentXML(para("Не тот текст."))}},
		{"no relationships", []string{"word/document.xml"}, map[string]string{"word/document.xml": body}},
		{"part names in other case", []string{"_rels/.rels", "Word/Document.xml"}, map[string]string{"_rels/.rels": packageRels, "Word/Document.xml": body}},
		{"no XML declaration, other prefix", []string{"word/document.xml"}, map[string]string{"word/document.xml": strings.NewReplacer(
			`<?xml version="1.0" encoding="UTF-8" standalone="yes"?>`+"\n", "", "<w:", "<x:", "</w:", "</x:", "xmlns:w=", "xmlns:x=", " w:", " x:").Replace(body)}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			doc, err := r.Read(context.Background(), "a.docx", bytes.NewReader(zipParts(t, tc.names, tc.parts)))
			if err != nil {
				t.Fatal(err)
			}
			if doc.Text != "Текст документа." {
				t.Errorf("text = %q", doc.Text)
			}
		})
	}
}

// oleFile is the start of a compound file (old .doc, or an encrypted
// DOCX when it holds an EncryptedPackage stream).
func oleFile(streams ...string) []byte {
	b := []byte("\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1")
	b = append(b, make([]byte, 504)...)
	for _, s := range streams {
		for _, c := range s {
			b = append(b, byte(c), 0)
		}
	}
	return b
}

// TestDOCXErrors checks that files named .docx that cannot be read are
// refused with an *Error of the right kind saying what to do.
func TestDOCXErrors(t *testing.T) {
	good := docxFile(t, para("Текст."), nil)
	corrupt := bytes.Clone(good)
	// Damage the compressed document part (the central directory at the
	// end stays intact, so the archive opens and the check fails later).
	i := bytes.Index(corrupt, []byte("word/document.xml")) + len("word/document.xml") + 20
	for k := i; k < i+16 && k < len(corrupt); k++ {
		corrupt[k] ^= 0x5A
	}
	bomb := docxFile(t, strings.Repeat(para("Повторяющийся абзац текста заявления."), 20_000), nil)
	var stored bytes.Buffer
	zw := zip.NewWriter(&stored)
	w, _ := zw.CreateRaw(&zip.FileHeader{Name: "word/document.xml", Method: 12, CRC32: crc32.ChecksumIEEE(nil)})
	_, _ = w.Write([]byte("BZh91AY&SY"))
	_ = zw.Close()
	tests := []struct {
		name string
		data []byte
		max  int64
		kind error
		hint string
	}{
		{"not a zip archive", []byte("Это просто текст, сохранённый с именем .docx.\n"), 0, ErrBinary, "rename it to .txt"},
		{"old binary .doc", oleFile("WordDocument"), 0, ErrBinary, "save it as .docx or plain text"},
		{"password-protected", oleFile("EncryptionInfo", "EncryptedPackage"), 0, ErrBinary, "remove the password"},
		{"PDF named .docx", []byte("%PDF-1.7\n%\xE2\xE3\xCF\xD3\n"), 0, ErrBinary, "pdftotext"},
		{"empty", nil, 0, ErrEmpty, "0 bytes"},
		{"damaged zip", append([]byte("PK\x03\x04\x14\x00\x06\x00"), bytes.Repeat([]byte{0x08, 0x00, 0x21, 0x00}, 16)...), 0, ErrDamaged, "save it again"},
		{"damaged part", corrupt, 0, ErrDamaged, "word/document.xml"},
		{"zip without a document", zipParts(t, []string{"notes.txt"}, map[string]string{"notes.txt": "Текст."}), 0, ErrBinary, "no word/document.xml"},
		{"OpenDocument named .docx", zipParts(t, []string{"mimetype", "content.xml"}, map[string]string{"mimetype": "application/vnd.oasis.opendocument.text", "content.xml": "<x/>"}), 0, ErrBinary, "OpenDocument"},
		{"malformed XML", zipParts(t, []string{"word/document.xml"}, map[string]string{"word/document.xml": documentXML("<w:p><w:r><w:t>Текст</w:r></w:p>")}), 0, ErrDamaged, "line 2"},
		{"undeclared entity", zipParts(t, []string{"word/document.xml"}, map[string]string{"word/document.xml": documentXML("<w:p><w:r><w:t>&nbsp;</w:t></w:r></w:p>")}), 0, ErrDamaged, "not well-formed XML"},
		{"unpacks beyond the limit", bomb, 64 << 10, ErrTooLarge, "unpacks to more than 65536 bytes"},
		{"unknown compression", stored.Bytes(), 0, ErrDamaged, "cannot unpack"},
		{"no text", docxFile(t, `<w:p/><w:p><w:r><w:drawing/></w:r></w:p>`, nil), 0, ErrEmpty, "no text"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if tc.max != 0 && int64(len(tc.data)) > tc.max {
				t.Fatalf("the file itself (%d bytes) is over the limit", len(tc.data))
			}
			_, err := (&Reader{MaxBytes: tc.max}).Read(context.Background(), "letter.docx", bytes.NewReader(tc.data))
			var fe *Error
			if !errors.As(err, &fe) || !errors.Is(err, tc.kind) {
				t.Fatalf("err = %v (%T), want an *Error of kind %v", err, err, tc.kind)
			}
			if fe.Path != "letter.docx" || !strings.Contains(err.Error(), tc.hint) || !strings.Contains(fe.Reason, "; ") {
				t.Errorf("message %q should name the file, say %q and what to do", err, tc.hint)
			}
		})
	}
	t.Run("just within the limit", func(t *testing.T) {
		b := docxFile(t, strings.Repeat(para("Текст заявления."), 200), nil)
		total := int64(0)
		zr, err := zip.NewReader(bytes.NewReader(b), int64(len(b)))
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range zr.File {
			if f.Name == "word/document.xml" || f.Name == "_rels/.rels" {
				total += int64(f.UncompressedSize64)
			}
		}
		if _, err := (&Reader{MaxBytes: total}).Read(context.Background(), "a.docx", bytes.NewReader(b)); err != nil {
			t.Errorf("limit %d = what the parts unpack to: %v", total, err)
		}
		if _, err := (&Reader{MaxBytes: total - 1}).Read(context.Background(), "a.docx", bytes.NewReader(b)); !errors.Is(err, ErrTooLarge) {
			t.Errorf("limit one byte short: err = %v", err)
		}
	})
	t.Run("canceled", func(t *testing.T) {
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		if _, err := docxText(ctx, good, DefaultMaxBytes); !errors.Is(err, context.Canceled) {
			t.Errorf("err = %v, want context.Canceled", err)
		}
	})
}

// FuzzDOCX feeds the DOCX reader arbitrary files and arbitrary main
// document parts in a valid archive: it must return text that Normalize
// accepts, or an *Error, and never panic.
func FuzzDOCX(f *testing.F) {
	for _, tc := range docxCases {
		f.Add([]byte(documentXML(tc.body)), true)
	}
	f.Add(docxFile(f, para("Текст.")+para("Второй абзац."), nil), false)
	f.Add([]byte("<w:document "+docxNS+"><w:body><w:p><w:r><w:t>x</w:t></w:r></w:body>"), true)
	f.Add([]byte("PK\x03\x04"), false)
	f.Add(oleFile("EncryptedPackage"), false)
	f.Fuzz(func(t *testing.T, data []byte, wrap bool) {
		if wrap {
			data = zipParts(t, []string{"word/document.xml"}, map[string]string{"word/document.xml": string(data)})
		}
		doc, err := (&Reader{MaxBytes: 1 << 20}).Read(context.Background(), "a.docx", bytes.NewReader(data))
		if err != nil {
			var fe *Error
			if !errors.As(err, &fe) || fe.Path != "a.docx" {
				t.Fatalf("error %v (%T) is not an *Error naming the file", err, err)
			}
			for _, kind := range []error{ErrEmpty, ErrBinary, ErrDamaged, ErrTooLarge, ErrEncoding} {
				if errors.Is(err, kind) {
					return
				}
			}
			t.Fatalf("error of no known kind: %v", err)
		}
		if doc.Text == "" {
			t.Fatal("empty text without ErrEmpty")
		}
		checkText(t, doc.Text)
	})
}

// TestReadDOCXSample reads testdata/docx/release.docx (made by
// TestGenerateFixtures) and compares its text with the golden file.
func TestReadDOCXSample(t *testing.T) {
	path := filepath.Join("testdata", "docx", "release.docx")
	doc, err := (&Reader{}).ReadFile(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range []string{"российско-бразильских консультаций", "подробно обсудили", "Бразильская делегация", "Следующий раунд", "сайт МИД России.", "Резолюция 73/27"} {
		if strings.Count(doc.Text, s) != 1 {
			t.Errorf("text should have %q once:\n%s", s, doc.Text)
		}
	}
	for _, s := range []string{"кратко", "HYPERLINK", "mid.ru"} {
		if strings.Contains(doc.Text, s) {
			t.Errorf("text has %q:\n%s", s, doc.Text)
		}
	}
	checkGolden(t, filepath.Join("testdata", "golden", "release.docx.txt"), doc.Text)
}
