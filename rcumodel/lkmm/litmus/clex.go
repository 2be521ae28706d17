package litmus

import (
	"fmt"
	"strings"
	"sync"
)

// ctok is a token of herd7's C lexer (lib/CLexer.mll).
type ctok struct {
	kind ckind
	text string // NAME, CONSTANT, BASE_TYPE, ... text
	line int
}

type ckind uint8

const (
	cEOF ckind = iota
	cName
	cConst
	cProc
	cBaseType   // intptr_t, int8_t, spinlock_t, atomic_t, ...
	cStructType // srcu_struct
	cAtomicType // atomic_int
	cKeyword    // a reserved word; text says which
	cPunct      // text is the punctuator
)

// cKeywords are the words herd7's C lexer does not return as NAME (the
// litmus tables are built on first use, not at every start of the binary).
var cKeywords = sync.OnceValue(func() map[string]bool {
	return map[string]bool{
		"volatile": true, "const": true, "_Atomic": true, "atomic": true, "char": true,
		"int": true, "long": true, "struct": true, "void": true, "if": true, "else": true,
		"while": true, "regions": true,
		"atomic_fetch_add_explicit": true, "atomic_fetch_sub_explicit": true,
		"atomic_fetch_or_explicit": true, "atomic_fetch_xor_explicit": true,
		"atomic_fetch_and_explicit": true, "memory_order_acquire": true,
		"memory_order_release": true, "memory_order_acq_rel": true,
		"memory_order_seq_cst": true, "memory_order_relaxed": true,
		"memory_order_consume": true, "atomic_thread_fence": true,
		"atomic_load_explicit": true, "atomic_store_explicit": true,
		"atomic_exchange_explicit": true, "lock": true, "mtx_lock": true,
		"WCAS": true, "SCAS": true, "atomic_compare_exchange_weak": true,
		"atomic_compare_exchange_strong":          true,
		"atomic_compare_exchange_weak_explicit":   true,
		"atomic_compare_exchange_strong_explicit": true, "unlock": true,
		"mtx_unlock": true, "__fence": true, "__load": true, "__store": true,
		"__srcu": true, "__xchg": true, "__cmpxchg": true, "__lock": true,
		"__trylock": true, "__islocked": true, "__unlock": true,
		"__atomic_op": true, "__atomic_op_return": true, "__atomic_fetch_op": true,
		"__atomic_add_unless": true, "atomic_add_unless": true,
	}
})

// cBaseTypes are herd7's BASE_TYPE words.
var cBaseTypes = sync.OnceValue(func() map[string]bool {
	return map[string]bool{
		"int8_t": true, "uint8_t": true, "int16_t": true, "uint16_t": true,
		"int32_t": true, "uint32_t": true, "int64_t": true, "uint64_t": true,
		"__int128_t": true, "__uint128_t": true, "__int128": true, "__uint128": true,
		"intptr_t": true, "uintptr_t": true, "mtx_t": true, "spinlock_t": true,
		"atomic_t": true,
	}
})

func cNameStart(c byte) bool { return isAlpha(c) || c == '_' }
func cNameChar(c byte) bool  { return isAlpha(c) || isDigit(c) || c == '_' }

// clex splits C code into tokens, keeping line numbers. It stops with an
// error where herd7's lexer would (for example at '!' or '[').
func clex(src string, line int, maxTokens int) ([]ctok, error) {
	toks := make([]ctok, 0, len(src)/4+1)
	for i := 0; i < len(src); {
		if len(toks) > maxTokens {
			return nil, fmt.Errorf("line %d: more than %d tokens", line, maxTokens)
		}
		c := src[i]
		switch {
		case c == '\n':
			line++
			i++
		case isBlank(c):
			i++
		case c == '/' && i+1 < len(src) && src[i+1] == '*':
			e := strings.Index(src[i+2:], "*/")
			if e < 0 {
				return nil, fmt.Errorf("line %d: unterminated comment", line)
			}
			line += strings.Count(src[i:i+2+e], "\n")
			i += 2 + e + 2
		case c == '/' && i+1 < len(src) && src[i+1] == '/':
			e := strings.IndexByte(src[i:], '\n')
			if e < 0 {
				i = len(src)
			} else {
				i += e
			}
		case isDigit(c) || c == '-' && i+1 < len(src) && isDigit(src[i+1]):
			j := i + 1
			for j < len(src) && isDigit(src[j]) {
				j++
			}
			toks = append(toks, ctok{cConst, src[i:j], line})
			i = j
		case c == 'P' && i+1 < len(src) && isDigit(src[i+1]):
			j := i + 1
			for j < len(src) && isDigit(src[j]) {
				j++
			}
			k := j
			for k < len(src) && cNameChar(src[k]) {
				k++
			}
			if k > j { // a longer NAME wins
				toks = append(toks, nameTok(src[i:k], line))
				i = k
			} else {
				toks = append(toks, ctok{cProc, src[i+1 : j], line})
				i = j
			}
		case strings.HasPrefix(src[i:], "constvar:") || strings.HasPrefix(src[i:], "codevar:"):
			return nil, fmt.Errorf("line %d: %w: %s", line, ErrUnsupported, src[i:i+strings.IndexByte(src[i:], ':')+1])
		case c == '%' && i+1 < len(src) && cNameStart(src[i+1]):
			j := i + 1
			for j < len(src) && cNameChar(src[j]) {
				j++
			}
			toks = append(toks, ctok{cName, src[i:j], line})
			i = j
		case cNameStart(c):
			j := i
			for j < len(src) && cNameChar(src[j]) {
				j++
			}
			toks = append(toks, nameTok(src[i:j], line))
			i = j
		default:
			two := ""
			if i+1 < len(src) {
				two = src[i : i+2]
			}
			switch two {
			case "==", "!=", "<=", ">=":
				toks = append(toks, ctok{cPunct, two, line})
				i += 2
				continue
			}
			if strings.IndexByte(";:,|*/+-^&(){}=<>", c) < 0 {
				return nil, fmt.Errorf("line %d: unexpected character %q", line, c)
			}
			toks = append(toks, ctok{cPunct, string(c), line})
			i++
		}
	}
	toks = append(toks, ctok{kind: cEOF, line: line})
	return toks, nil
}

func nameTok(s string, line int) ctok {
	switch {
	case cKeywords()[s]:
		return ctok{cKeyword, s, line}
	case cBaseTypes()[s]:
		return ctok{cBaseType, s, line}
	case s == "atomic_int":
		return ctok{cAtomicType, s, line}
	case s == "srcu_struct":
		return ctok{cStructType, s, line}
	}
	return ctok{cName, s, line}
}

func (t ctok) String() string {
	switch t.kind {
	case cEOF:
		return "end of input"
	case cProc:
		return "P" + t.text
	}
	return fmt.Sprintf("%q", t.text)
}
