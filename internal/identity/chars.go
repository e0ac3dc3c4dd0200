package identity

import (
	"unicode"

	"golang.org/x/text/unicode/norm"
)

// Which characters each kind of field accepts (F7). The reference is
// Unicode's security guidance (UTS #39, and UAX #31 for identifiers): what
// renders as nothing, or reorders the text around it, lets two values that
// look the same be different, or one value look like another. Each kind of
// field is as strict as its use allows; docs/identity.md explains the
// choices.

// refChar reports whether r may appear in a reference (user_ref,
// account_ref, workspace_ref) or an email: a letter, mark, digit,
// punctuation or symbol, or the ASCII space. Refused: controls, format
// characters (bidi controls, zero-width characters, the byte-order mark,
// the soft hyphen), other spaces and separators, variation selectors and
// other default-ignorable code points, private-use and unassigned code
// points, and U+FFFD, the trace of bytes that were not UTF-8.
func refChar(r rune) bool {
	switch {
	case r == ' ':
		return true
	case r == unicode.ReplacementChar,
		unicode.Is(unicode.Variation_Selector, r),
		unicode.Is(unicode.Other_Default_Ignorable_Code_Point, r),
		unicode.Is(unicode.Noncharacter_Code_Point, r):
		return false
	}
	return unicode.In(r, unicode.L, unicode.M, unicode.N, unicode.P, unicode.S)
}

// nameChar reports whether r may appear in a name shown to people (a
// display name, an account's or an app's name): what a reference takes,
// and also the zero-width joiner and non-joiner, which emoji sequences and
// scripts such as Persian and the Indic ones need, variation selectors
// (emoji presentation) and every space (a Japanese name may hold an
// ideographic one). Every other format character is refused: above all the
// bidi controls that reorder what follows them.
func nameChar(r rune) bool {
	switch r {
	case '\u200c', '\u200d': // zero-width non-joiner, joiner
		return true
	}
	return refChar(r) || unicode.Is(unicode.Variation_Selector, r) || unicode.Is(unicode.Zs, r)
}

// bidiControl reports the explicit directional formatting characters:
// embeddings, overrides and isolates, and the marks that end them. They
// reorder the text that follows them, so that what an agent reads is not
// what was written ("Trojan Source").
func bidiControl(r rune) bool {
	return r >= '\u202a' && r <= '\u202e' || r >= '\u2066' && r <= '\u2069'
}

// visible reports whether r draws something: a letter, mark, digit,
// punctuation or symbol.
func visible(r rune) bool {
	return unicode.In(r, unicode.L, unicode.M, unicode.N, unicode.P, unicode.S) &&
		!unicode.Is(unicode.Variation_Selector, r)
}

// firstBad returns the index of the first rune of s that ok refuses, or -1.
func firstBad(s string, ok func(rune) bool) int {
	for i, r := range s {
		if !ok(r) {
			return i
		}
	}
	return -1
}

// anyVisible reports whether s has a character that draws something.
func anyVisible(s string) bool { return firstBad(s, func(r rune) bool { return !visible(r) }) >= 0 }

// nfc reports whether s is in Unicode normalization form C. References are
// compared byte for byte, so é sent composed and é sent decomposed would
// be two users who look the same: only the composed form is taken.
func nfc(s string) bool { return norm.NFC.IsNormalString(s) }
