package deliberatejson

// Numbers are read exactly from their JSON text, never through float64: 9.995 is below 10, and
// 20.001 is above 20.

// maxScaled bounds the magnitudes scaled() computes; anything larger is out of every range here.
const maxScaled = 1_000_000_000_000_000

var pow10 = [...]int64{1, 10, 100, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15}

// scaledNumber is a JSON number multiplied by 10^scale and truncated toward zero.
type scaledNumber struct {
	abs   int64 // trunc(|x| × 10^scale)
	exact bool  // no nonzero digit was truncated
	neg   bool  // x < 0 (a negative zero is not negative)
	big   bool  // |x| × 10^scale ≥ 10^15: abs is meaningless
}

// scaled reads the text of a valid JSON number exactly.
func scaled(raw string, scale int) scaledNumber {
	n := scaledNumber{exact: true}
	i := 0
	neg := false
	if i < len(raw) && raw[i] == '-' {
		neg = true
		i++
	}
	intStart := i
	for i < len(raw) && raw[i] >= '0' && raw[i] <= '9' {
		i++
	}
	intEnd := i
	fracStart, fracEnd := i, i
	if i < len(raw) && raw[i] == '.' {
		i++
		fracStart = i
		for i < len(raw) && raw[i] >= '0' && raw[i] <= '9' {
			i++
		}
		fracEnd = i
	}
	exp := 0
	if i < len(raw) && (raw[i] == 'e' || raw[i] == 'E') {
		i++
		eneg := false
		if raw[i] == '+' || raw[i] == '-' {
			eneg = raw[i] == '-'
			i++
		}
		for ; i < len(raw); i++ {
			if exp < 1_000_000 {
				exp = exp*10 + int(raw[i]-'0')
			}
		}
		if eneg {
			exp = -exp
		}
	}
	add := func(d byte, p int) {
		switch {
		case d == '0':
		case p < 0:
			n.exact = false
		case p >= len(pow10)-1:
			n.big = true
		default:
			n.abs += int64(d-'0') * pow10[p]
			if n.abs >= maxScaled {
				n.big = true
			}
		}
	}
	for j := intStart; j < intEnd; j++ {
		add(raw[j], intEnd-1-j+exp+scale)
	}
	for j := fracStart; j < fracEnd; j++ {
		add(raw[j], -(j-fracStart+1)+exp+scale)
	}
	n.neg = neg && (n.abs != 0 || !n.exact || n.big)
	return n
}

// french writes a valid JSON number in French notation, exactly: "9.995" is "9,995", "1e1" is
// "10", "-0.5" is "-0,5". Absurd exponents fall back to the JSON text with a comma.
func french(raw string) string {
	type digit struct {
		d byte
		k int // power of ten
	}
	var digits []digit
	i := 0
	neg := false
	if raw[0] == '-' {
		neg = true
		i++
	}
	var intPart, fracPart string
	j := i
	for j < len(raw) && raw[j] >= '0' && raw[j] <= '9' {
		j++
	}
	intPart = raw[i:j]
	if j < len(raw) && raw[j] == '.' {
		k := j + 1
		for k < len(raw) && raw[k] >= '0' && raw[k] <= '9' {
			k++
		}
		fracPart = raw[j+1 : k]
		j = k
	}
	exp := 0
	if j < len(raw) {
		j++
		eneg := false
		if raw[j] == '+' || raw[j] == '-' {
			eneg = raw[j] == '-'
			j++
		}
		for ; j < len(raw); j++ {
			exp = exp*10 + int(raw[j]-'0')
			if exp > 60 {
				return frenchFallback(raw)
			}
		}
		if eneg {
			exp = -exp
		}
	}
	if len(intPart)+len(fracPart) > 60 {
		return frenchFallback(raw)
	}
	hi, lo := 0, 0
	for x := 0; x < len(intPart); x++ {
		digits = append(digits, digit{intPart[x], len(intPart) - 1 - x + exp})
	}
	for x := 0; x < len(fracPart); x++ {
		digits = append(digits, digit{fracPart[x], -(x + 1) + exp})
	}
	for _, d := range digits {
		if d.d != '0' {
			hi = max(hi, d.k)
			lo = min(lo, d.k)
		}
	}
	at := make(map[int]byte, len(digits))
	for _, d := range digits {
		at[d.k] = d.d
	}
	var out []byte
	if neg && hi >= lo && (hi > 0 || lo < 0 || at[0] > '0') {
		out = append(out, '-')
	}
	for k := hi; k >= lo; k-- {
		if k == -1 {
			out = append(out, ',')
		}
		if d, ok := at[k]; ok {
			out = append(out, d)
		} else {
			out = append(out, '0')
		}
	}
	return string(out)
}

func frenchFallback(raw string) string {
	b := []byte(raw)
	for i, c := range b {
		if c == '.' {
			b[i] = ','
		}
	}
	return string(b)
}
