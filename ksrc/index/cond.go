package index

import (
	"strconv"
	"strings"

	"github.com/rcureview/rcureview/cscan"
	"github.com/rcureview/rcureview/kconfig"
)

// Conditions are kept as strings: "CONFIG_X" (enabled), "!CONFIG_X"
// (disabled), or a preprocessor expression ("defined(CONFIG_A) ||
// defined(CONFIG_B)"). Only conditions that mention CONFIG_ are kept: the
// others (include guards, __ASSEMBLY__, __KERNEL__) hold in kernel C.

// relevantCond reports whether a condition is worth keeping.
func relevantCond(expr string) bool { return strings.Contains(expr, "CONFIG_") }

// normCond reduces an #if expression to its simplest spelling.
func normCond(expr string) string {
	e := strings.Join(strings.Fields(expr), " ")
	for {
		if len(e) >= 2 && e[0] == '(' && matchingParen(e, 0) == len(e)-1 {
			e = strings.TrimSpace(e[1 : len(e)-1])
			continue
		}
		break
	}
	neg := false
	s := e
	if strings.HasPrefix(s, "!") {
		neg = true
		s = strings.TrimSpace(s[1:])
	}
	if name, ok := simpleConfig(s); ok {
		if neg {
			return "!" + name
		}
		return name
	}
	return e
}

// simpleConfig recognises CONFIG_X, defined(CONFIG_X), defined CONFIG_X and
// IS_ENABLED(CONFIG_X) and returns CONFIG_X.
func simpleConfig(s string) (string, bool) {
	s = strings.TrimSpace(s)
	for {
		if len(s) >= 2 && s[0] == '(' && matchingParen(s, 0) == len(s)-1 {
			s = strings.TrimSpace(s[1 : len(s)-1])
			continue
		}
		break
	}
	for _, fn := range []string{"defined", "IS_ENABLED", "IS_REACHABLE"} {
		if strings.HasPrefix(s, fn) {
			rest := strings.TrimSpace(s[len(fn):])
			if strings.HasPrefix(rest, "(") && strings.HasSuffix(rest, ")") && matchingParen(rest, 0) == len(rest)-1 {
				rest = strings.TrimSpace(rest[1 : len(rest)-1])
			}
			if isConfigName(rest) {
				return rest, true
			}
			return "", false
		}
	}
	if isConfigName(s) {
		return s, true
	}
	return "", false
}

func isConfigName(s string) bool {
	if !strings.HasPrefix(s, "CONFIG_") || len(s) == len("CONFIG_") {
		return false
	}
	for i := 0; i < len(s); i++ {
		if !cscan.IsIdentChar(s[i]) {
			return false
		}
	}
	return true
}

func matchingParen(s string, open int) int {
	d := 0
	for i := open; i < len(s); i++ {
		switch s[i] {
		case '(':
			d++
		case ')':
			d--
			if d == 0 {
				return i
			}
		}
	}
	return -1
}

// negateCond returns the negation of a normalised condition.
func negateCond(c string) string {
	if strings.HasPrefix(c, "!") {
		if _, ok := simpleConfig(c[1:]); ok {
			return c[1:]
		}
	}
	if _, ok := simpleConfig(c); ok {
		return "!" + c
	}
	if strings.HasPrefix(c, "!") && isSimpleCall(c[1:]) {
		return c[1:]
	}
	if isSimpleCall(c) {
		return "!" + c
	}
	if strings.HasPrefix(c, "!(") && matchingParen(c, 1) == len(c)-1 {
		return c[2 : len(c)-1]
	}
	return "!(" + c + ")"
}

// CondsHold reports whether a conjunction of conditions can hold under
// cfg: false only when some condition is known to be false. A nil cfg
// (any configuration) holds.
func CondsHold(conds []string, cfg *kconfig.Config) bool {
	if cfg == nil {
		return true
	}
	for _, c := range conds {
		if h, known := EvalCond(c, cfg); known && !h {
			return false
		}
	}
	return true
}

// EvalCond evaluates a condition against a kernel configuration
// (CONFIG_X -> "y", "m", "n" or a value; absent means not set). known is
// false when the expression uses something other than CONFIG_ symbols,
// defined(), IS_ENABLED()/IS_BUILTIN()/IS_MODULE()/IS_REACHABLE(),
// integers, !, &&, ||, comparisons and parentheses.
func EvalCond(cond string, cfg *kconfig.Config) (holds, known bool) {
	p := &condParser{s: cond, cfg: cfg}
	v, ok := p.or()
	p.space()
	if !ok || p.pos != len(p.s) {
		return false, false
	}
	return v.val != 0, v.known
}

type cval struct {
	val   int64
	known bool
}

type condParser struct {
	s   string
	pos int
	cfg *kconfig.Config
}

func (p *condParser) space() {
	for p.pos < len(p.s) && (p.s[p.pos] == ' ' || p.s[p.pos] == '\t') {
		p.pos++
	}
}

func (p *condParser) eat(tok string) bool {
	p.space()
	if strings.HasPrefix(p.s[p.pos:], tok) {
		p.pos += len(tok)
		return true
	}
	return false
}

func (p *condParser) or() (cval, bool) {
	l, ok := p.and()
	if !ok {
		return l, false
	}
	for p.eat("||") {
		r, ok := p.and()
		if !ok {
			return r, false
		}
		switch {
		case l.known && l.val != 0 || r.known && r.val != 0:
			l = cval{1, true}
		case l.known && r.known:
			l = cval{0, true}
		default:
			l = cval{0, false}
		}
	}
	return l, true
}

func (p *condParser) and() (cval, bool) {
	l, ok := p.cmp()
	if !ok {
		return l, false
	}
	for p.eat("&&") {
		r, ok := p.cmp()
		if !ok {
			return r, false
		}
		switch {
		case l.known && l.val == 0 || r.known && r.val == 0:
			l = cval{0, true}
		case l.known && r.known:
			l = cval{1, true}
		default:
			l = cval{0, false}
		}
	}
	return l, true
}

func (p *condParser) cmp() (cval, bool) {
	l, ok := p.unary()
	if !ok {
		return l, false
	}
	for _, op := range []string{"==", "!=", ">=", "<=", ">", "<"} {
		p.space()
		if strings.HasPrefix(p.s[p.pos:], op) && !(op == "<" && strings.HasPrefix(p.s[p.pos:], "<<")) &&
			!(op == ">" && strings.HasPrefix(p.s[p.pos:], ">>")) {
			p.pos += len(op)
			r, ok := p.unary()
			if !ok {
				return r, false
			}
			if !l.known || !r.known {
				return cval{0, false}, true
			}
			var b bool
			switch op {
			case "==":
				b = l.val == r.val
			case "!=":
				b = l.val != r.val
			case ">=":
				b = l.val >= r.val
			case "<=":
				b = l.val <= r.val
			case ">":
				b = l.val > r.val
			case "<":
				b = l.val < r.val
			}
			return cval{boolInt(b), true}, true
		}
	}
	return l, true
}

func boolInt(b bool) int64 {
	if b {
		return 1
	}
	return 0
}

func (p *condParser) ident() string {
	p.space()
	s := p.pos
	for p.pos < len(p.s) && cscan.IsIdentChar(p.s[p.pos]) {
		p.pos++
	}
	return p.s[s:p.pos]
}

func (p *condParser) unary() (cval, bool) {
	p.space()
	if p.pos >= len(p.s) {
		return cval{}, false
	}
	c := p.s[p.pos]
	switch {
	case c == '!':
		p.pos++
		v, ok := p.unary()
		if !ok {
			return v, false
		}
		return cval{boolInt(v.val == 0), v.known}, true
	case c == '(':
		p.pos++
		v, ok := p.or()
		if !ok || !p.eat(")") {
			return v, false
		}
		return v, true
	case c >= '0' && c <= '9':
		id := p.ident()
		n, err := strconv.ParseInt(strings.TrimRight(id, "uUlL"), 0, 64)
		return cval{n, err == nil}, true
	case cscan.IsIdentStart(c):
		id := p.ident()
		switch id {
		case "defined", "IS_ENABLED", "IS_BUILTIN", "IS_MODULE", "IS_REACHABLE":
			paren := p.eat("(")
			name := p.ident()
			if paren && !p.eat(")") {
				return cval{}, false
			}
			if !isConfigName(name) {
				return cval{0, false}, true
			}
			v := p.cfg.Get(name)
			var b bool
			switch id {
			case "defined", "IS_BUILTIN":
				b = v != "" && v != "n" && v != "m"
			case "IS_MODULE":
				b = v == "m"
			default:
				b = v == "y" || v == "m"
			}
			return cval{boolInt(b), true}, true
		}
		if !isConfigName(id) {
			// an unknown macro, or a call such as in_nmi(): not decidable
			if p.eat("(") {
				d := 1
				for p.pos < len(p.s) && d > 0 {
					switch p.s[p.pos] {
					case '(':
						d++
					case ')':
						d--
					}
					p.pos++
				}
			}
			return cval{0, false}, true
		}
		v, ok := p.cfg.Value(id)
		if !ok || v == "n" || v == "m" {
			return cval{0, true}, true
		}
		if v == "y" {
			return cval{1, true}, true
		}
		n, err := strconv.ParseInt(strings.Trim(v, "\""), 0, 64)
		return cval{n, err == nil}, true
	}
	return cval{}, false
}

// isSimpleCall recognises "name()" (runtime conditions such as in_nmi()).
func isSimpleCall(c string) bool {
	if !strings.HasSuffix(c, "()") || len(c) < 3 || !cscan.IsIdentStart(c[0]) {
		return false
	}
	for i := 0; i < len(c)-2; i++ {
		if !cscan.IsIdentChar(c[i]) {
			return false
		}
	}
	return true
}
