package translate

import (
	"strings"
	"unicode/utf8"
)

// StripControls removes from s what must never reach a stored translation
// or an output file: terminal escape sequences (such as "\x1b[31m", which
// would recolour or rewrite a reviewer's terminal), NUL and the other C0
// and C1 control characters, and DEL. Tab and newline are kept; carriage
// return, vertical tab, form feed and NEL become a space. Text without
// any of them is returned as it is.
func StripControls(s string) string {
	if !hasControl(s) {
		return s
	}
	var b strings.Builder
	b.Grow(len(s))
	for i := 0; i < len(s); {
		r, n := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == 0x1b: // ESC: the whole sequence goes
			i += escapeLen(s[i:])
			continue
		case r == 0x9b: // CSI as one C1 character
			i += n + csiLen(s[i+n:])
			continue
		case r == '\t' || r == '\n':
			b.WriteRune(r)
		case r == '\r' || r == '\v' || r == '\f' || r == 0x85:
			b.WriteByte(' ')
		case isControl(r):
			// dropped
		default:
			b.WriteString(s[i : i+n])
		}
		i += n
	}
	return b.String()
}

// isControl reports whether r is a C0 or C1 control character or DEL.
func isControl(r rune) bool { return r < 0x20 || r >= 0x7f && r <= 0x9f }

// hasControl reports whether s holds a control character other than tab
// and newline.
func hasControl(s string) bool {
	for _, r := range s {
		if isControl(r) && r != '\t' && r != '\n' {
			return true
		}
	}
	return false
}

// escapeLen returns the length of the escape sequence at the start of s
// (which starts with ESC): CSI (ESC [ … final byte), OSC and the other
// string sequences (ESC ] … BEL or ESC \), or ESC and one character.
func escapeLen(s string) int {
	if len(s) < 2 {
		return len(s)
	}
	switch s[1] {
	case '[':
		return 2 + csiLen(s[2:])
	case ']', 'P', 'X', '^', '_': // OSC, DCS, SOS, PM, APC
		for i := 2; i < len(s); i++ {
			switch {
			case s[i] == 0x07:
				return i + 1
			case s[i] == 0x1b && i+1 < len(s) && s[i+1] == '\\':
				return i + 2
			case s[i] == '\n':
				return i // unterminated: stop at the line's end
			}
		}
		return len(s)
	}
	_, n := utf8.DecodeRuneInString(s[1:])
	return 1 + n
}

// csiLen returns the length of the parameters, intermediates and final
// byte of a control sequence (ECMA-48): parameter bytes 0x30–0x3F,
// intermediate bytes 0x20–0x2F, one final byte 0x40–0x7E. A sequence cut
// short ends before the first byte that cannot belong to it.
func csiLen(s string) int {
	i := 0
	for i < len(s) && s[i] >= 0x30 && s[i] <= 0x3f {
		i++
	}
	for i < len(s) && s[i] >= 0x20 && s[i] <= 0x2f {
		i++
	}
	if i < len(s) && s[i] >= 0x40 && s[i] <= 0x7e {
		i++
	}
	return i
}
