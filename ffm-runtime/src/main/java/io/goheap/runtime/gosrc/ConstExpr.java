package io.goheap.runtime.gosrc;

import java.math.BigInteger;
import java.util.List;
import java.util.function.Function;

/**
 * Integer constant expressions as Go evaluates them where a type needs one (an array length): integer
 * and rune literals, declared constants (and {@code iota} inside a const declaration), parentheses,
 * unary {@code + - ^} and binary {@code * / % << >> & &^ + - | ^}, with Go's precedences.
 *
 * <p>Values follow Go's rules for constants: exact, arbitrary-precision integers; untyped ones may hold
 * at most {@link #MAX_BITS} bits (Go's limit for untyped constants: more is "constant overflow");
 * a typed one ({@code const n int8 = 100}) must fit its type after every operation, and two operands of
 * different types do not mix. Division truncates toward zero, {@code %} takes the dividend's sign, a
 * shift of a negative value is arithmetic, a shift count must be a non-negative integer of at most
 * {@link #MAX_SHIFT}. Everything else a constant may hold (strings, floats, bools, calls such as
 * {@code len}, another package's constants, conversions) is refused naming it when it is evaluated, so
 * that parsing a file with such constants succeeds.
 */
final class ConstExpr {
    /** types2's limit on untyped integer constants (go/constant keeps more, the checker refuses past it). */
    static final int MAX_BITS = 512;
    /** types2's shiftBound: a larger constant shift count is "invalid shift count". */
    static final int MAX_SHIFT = 1023 - 1 + 52;

    private ConstExpr() {
    }

    /** A parsed expression; {@code at} is its first token. */
    sealed interface Expr permits Lit, Name, Unary, Binary, Paren, Unsupported {
        Lexer.Token at();
    }

    /** An integer or rune literal. */
    record Lit(Lexer.Token at, BigInteger value) implements Expr {
    }

    /** A constant's name, or {@code iota}. */
    record Name(Lexer.Token at) implements Expr {
    }

    record Unary(Lexer.Token at, Expr x) implements Expr {
    }

    record Binary(Lexer.Token op, Expr x, Expr y) implements Expr {
        @Override
        public Lexer.Token at() {
            return x.at();
        }
    }

    record Paren(Lexer.Token at, Expr x) implements Expr {
    }

    /** Something Go allows in a constant that goheap does not evaluate: {@code what} names it. */
    record Unsupported(Lexer.Token at, String what, String text) implements Expr {
    }

    /**
     * A constant value: {@code type} names its integer type as Go prints it ({@code int8},
     * {@code main.Size}), or is null for an untyped integer; {@code base} is the predeclared integer type
     * that gives its range (the same as {@code type} unless it is a defined type).
     */
    record Value(BigInteger v, String type, String base) {
        static Value untyped(BigInteger v) {
            return new Value(v, null, null);
        }
    }

    /** An evaluation error at a token; the caller adds the construct. */
    static final class EvalException extends RuntimeException {
        private static final long serialVersionUID = 1L;
        final transient Lexer.Token at;

        EvalException(Lexer.Token at, String message) {
            super(message);
            this.at = at;
        }
    }

    /**
     * The range of a predeclared integer type ({@code byte}, {@code rune} and {@code uintptr} included),
     * as {min, max}, or null if {@code name} is none.
     */
    static BigInteger[] range(String name) {
        return switch (name) {
            case "int8" -> signed(8);
            case "int16" -> signed(16);
            case "int32", "rune" -> signed(32);
            case "int", "int64" -> signed(64);
            case "uint8", "byte" -> unsigned(8);
            case "uint16" -> unsigned(16);
            case "uint32" -> unsigned(32);
            case "uint", "uint64", "uintptr" -> unsigned(64);
            default -> null;
        };
    }

    private static BigInteger[] signed(int bits) {
        return new BigInteger[] {BigInteger.ONE.shiftLeft(bits - 1).negate(), BigInteger.ONE.shiftLeft(bits - 1).subtract(BigInteger.ONE)};
    }

    private static BigInteger[] unsigned(int bits) {
        return new BigInteger[] {BigInteger.ZERO, BigInteger.ONE.shiftLeft(bits).subtract(BigInteger.ONE)};
    }

    // ---- parsing ----

    /**
     * A recursive-descent parser over {@code toks} from {@code pos}; it stops at the first token that
     * cannot continue the expression ({@link #pos} is then that token's index).
     */
    static final class Parser {
        private static final int MAX_DEPTH = 200;
        /** evaluating and printing recurse once per operator: a bound keeps them off the stack's end */
        static final int MAX_OPERATORS = 1000;
        private final List<Lexer.Token> toks;
        int pos;
        private int depth;
        private int operators;

        Parser(List<Lexer.Token> toks, int pos) {
            this.toks = toks;
            this.pos = pos;
        }

        Lexer.Token peek() {
            return toks.get(Math.min(pos, toks.size() - 1));
        }

        private Lexer.Token next() {
            Lexer.Token t = peek();
            if (pos < toks.size()) {
                pos++;
            }
            return t;
        }

        /** An expression of Go's binary operators, by precedence (5 binds tightest). */
        Expr expr() {
            return binary(1);
        }

        private static int precedence(Lexer.Token t) {
            if (t.kind() != Lexer.Kind.OP) {
                return 0;
            }
            return switch (t.text()) {
                case "||" -> 1;
                case "&&" -> 2;
                case "==", "!=", "<", "<=", ">", ">=" -> 3;
                case "+", "-", "|", "^" -> 4;
                case "*", "/", "%", "<<", ">>", "&", "&^" -> 5;
                default -> 0;
            };
        }

        private Expr binary(int prec) {
            Expr x = unary();
            while (true) {
                int p = precedence(peek());
                if (p < prec) {
                    return x;
                }
                Lexer.Token op = next();
                if (++operators > MAX_OPERATORS) {
                    throw syntax(op, "constant expression too long (more than " + MAX_OPERATORS + " operators)");
                }
                x = new Binary(op, x, binary(p + 1));
            }
        }

        private Expr unary() {
            if (++depth > MAX_DEPTH) {
                throw new GoSyntaxException(peek().file(), peek().line(), peek().col(), "constant expression nested too deep (more than "
                        + MAX_DEPTH + " levels)");
            }
            try {
                Lexer.Token t = peek();
                if (t.is("+") || t.is("-") || t.is("^")) {
                    next();
                    return new Unary(t, unary());
                }
                if (t.is("!") || t.is("&") || t.is("*") || t.is("<-")) {
                    next();
                    Expr x = unary();
                    return new Unsupported(t, "operator " + t.text() + " (not an integer constant operation)", t.text() + render(x));
                }
                return primary();
            } finally {
                depth--;
            }
        }

        private Expr primary() {
            Lexer.Token t = next();
            switch (t.kind()) {
                case INT -> {
                    return literal(t);
                }
                case FLOAT -> {
                    return new Unsupported(t, "floating-point constant " + t.text(), t.text());
                }
                case CHAR -> {
                    return new Lit(t, BigInteger.valueOf(rune(t)));
                }
                case STRING -> {
                    return new Unsupported(t, "string constant " + t.text(), t.text());
                }
                case IDENT -> {
                    if (peek().is(".")) {
                        next();
                        Lexer.Token sel = next();
                        String q = t.text() + "." + sel.text();
                        return call(t, q, new Unsupported(t, "constant " + q + " of another package", q));
                    }
                    if (peek().is("(")) {
                        return call(t, t.text(), null);
                    }
                    return new Name(t);
                }
                default -> {
                    if (t.is("(")) {
                        Expr x = expr();
                        if (!peek().is(")")) {
                            throw syntax(peek(), "expected ), found " + show(peek()));
                        }
                        next();
                        return new Paren(t, x);
                    }
                    throw syntax(t, "expected constant expression, found " + show(t));
                }
            }
        }

        /** {@code f(...)} (a call or conversion, which goheap does not evaluate): its tokens are skipped. */
        private Expr call(Lexer.Token at, String name, Expr plain) {
            if (!peek().is("(")) {
                return plain;
            }
            int depthParens = 0;
            StringBuilder text = new StringBuilder(name);
            do {
                Lexer.Token t = next();
                if (t.kind() == Lexer.Kind.EOF) {
                    throw syntax(at, "unclosed ( in a constant expression");
                }
                depthParens += t.is("(") ? 1 : t.is(")") ? -1 : 0;
                text.append(t.text());
            } while (depthParens > 0);
            return new Unsupported(at, "call " + text + " (goheap evaluates integer literals, constants and operators only)", text.toString());
        }

        private static Expr literal(Lexer.Token t) {
            String d = t.text().replace("_", "").toLowerCase(java.util.Locale.ROOT);
            try {
                if (d.endsWith("i")) {
                    return new Unsupported(t, "imaginary constant " + t.text(), t.text());
                }
                if (d.startsWith("0x")) {
                    if (d.contains("p")) {
                        return new Unsupported(t, "floating-point constant " + t.text(), t.text());
                    }
                    return new Lit(t, new BigInteger(d.substring(2), 16));
                }
                if (d.startsWith("0b")) {
                    return new Lit(t, new BigInteger(d.substring(2), 2));
                }
                if (d.startsWith("0o")) {
                    return new Lit(t, new BigInteger(d.substring(2), 8));
                }
                if (d.contains("e")) {
                    return new Unsupported(t, "floating-point constant " + t.text(), t.text());
                }
                if (d.length() > 1 && d.startsWith("0")) {
                    return new Lit(t, new BigInteger(d.substring(1), 8));
                }
                return new Lit(t, new BigInteger(d));
            } catch (NumberFormatException e) {
                throw syntax(t, "invalid integer literal " + t.text());
            }
        }

        /** The value of a rune literal such as {@code 'a'}, {@code '\n'}, {@code '\x41'}, {@code '\u00e9'}. */
        private static int rune(Lexer.Token t) {
            String s = t.text().substring(1, t.text().length() - 1);
            try {
                if (!s.startsWith("\\")) {
                    if (s.codePointCount(0, s.length()) != 1) {
                        throw syntax(t, "invalid rune literal " + t.text());
                    }
                    return s.codePointAt(0);
                }
                if (s.length() == 2) {
                    return switch (s.charAt(1)) {
                        case 'a' -> 7;
                        case 'b' -> 8;
                        case 'f' -> 12;
                        case 'n' -> 10;
                        case 'r' -> 13;
                        case 't' -> 9;
                        case 'v' -> 11;
                        case '\\' -> '\\';
                        case '\'' -> '\'';
                        default -> throw syntax(t, "unknown escape sequence in " + t.text());
                    };
                }
                return switch (s.charAt(1)) {
                    case 'x' -> hex(t, s, 2);
                    case 'u' -> hex(t, s, 4);
                    case 'U' -> hex(t, s, 8);
                    default -> {
                        if (s.length() != 4) {
                            throw syntax(t, "invalid rune literal " + t.text());
                        }
                        int v = Integer.parseInt(s.substring(1), 8);
                        if (v > 255) {
                            throw syntax(t, "octal escape value > 255 in " + t.text());
                        }
                        yield v;
                    }
                };
            } catch (NumberFormatException e) {
                throw syntax(t, "invalid rune literal " + t.text());
            }
        }

        private static int hex(Lexer.Token t, String s, int digits) {
            if (s.length() != 2 + digits) {
                throw syntax(t, "invalid rune literal " + t.text());
            }
            int v = Integer.parseUnsignedInt(s.substring(2), 16);
            if (v > Character.MAX_CODE_POINT || (v >= 0xd800 && v < 0xe000) && digits > 2) {
                throw syntax(t, "escape sequence is invalid Unicode code point in " + t.text());
            }
            return v;
        }

        private static String show(Lexer.Token t) {
            return switch (t.kind()) {
                case EOF -> "EOF";
                case SEMI -> "newline";
                default -> "'" + t.text() + "'";
            };
        }

        private static GoSyntaxException syntax(Lexer.Token t, String msg) {
            return new GoSyntaxException(t.file(), t.line(), t.col(), msg);
        }
    }

    // ---- printing ----

    /** The expression as gofmt would print it in a type: {@code N * 2}, {@code 1 << 40}, {@code -(a + b)}. */
    static String render(Expr e) {
        return switch (e) {
            case Lit l -> l.at().text();
            case Name n -> n.at().text();
            case Unary u -> u.at().text() + render(u.x());
            case Binary b -> render(b.x()) + " " + b.op().text() + " " + render(b.y());
            case Paren p -> "(" + render(p.x()) + ")";
            case Unsupported u -> u.text();
        };
    }

    // ---- evaluation ----

    /**
     * The value of {@code e}; {@code names} gives the value of a name (a constant or iota), or throws
     * {@link EvalException} for one that is not a constant.
     *
     * @throws EvalException at the offending token: an unsupported operand, an overflow, a division by
     *                       zero, a bad shift count, mismatched types
     */
    static Value eval(Expr e, Function<Name, Value> names) {
        return switch (e) {
            case Lit l -> Value.untyped(l.value());
            case Name n -> names.apply(n);
            case Paren p -> eval(p.x(), names);
            case Unsupported u -> throw new EvalException(u.at(), "unsupported: " + u.what());
            case Unary u -> {
                Value x = eval(u.x(), names);
                BigInteger v = switch (u.at().text()) {
                    case "-" -> x.v().negate();
                    case "^" -> x.base() != null && range(x.base())[0].signum() == 0
                            ? x.v().xor(range(x.base())[1]) // unsigned: flip the type's bits
                            : x.v().not();
                    default -> x.v();
                };
                yield check(u.at(), u.at().text() + render(u.x()), v, x);
            }
            case Binary b -> binary(b, names);
        };
    }

    private static Value binary(Binary b, Function<Name, Value> names) {
        Value x = eval(b.x(), names);
        Value y = eval(b.y(), names);
        String op = b.op().text();
        String text = render(b);
        if (op.equals("<<") || op.equals(">>")) {
            if (y.v().signum() < 0) {
                throw new EvalException(b.y().at(), "invalid operation: negative shift count " + render(b.y()));
            }
            if (y.v().compareTo(BigInteger.valueOf(MAX_SHIFT)) > 0) {
                throw new EvalException(b.y().at(), "invalid operation: invalid shift count " + render(b.y()));
            }
            int n = y.v().intValueExact();
            return check(b.op(), text, op.equals("<<") ? x.v().shiftLeft(n) : x.v().shiftRight(n), x);
        }
        if (precedenceOf(op) < 4) {
            throw new EvalException(b.op(), "unsupported: operator " + op + " (a boolean, not an integer constant)");
        }
        Value typed = x.type() != null ? x : y; // the result's type: an untyped operand takes the other's
        if (x.type() != null && y.type() != null && !x.type().equals(y.type())) {
            throw new EvalException(b.op(), "invalid operation: " + text + " (mismatched types " + x.type() + " and " + y.type() + ")");
        }
        if (typed.type() != null) {
            check(b.x().at(), render(b.x()), x.v(), typed); // an untyped operand must fit the other's type
            check(b.y().at(), render(b.y()), y.v(), typed);
        }
        if ((op.equals("/") || op.equals("%")) && y.v().signum() == 0) {
            throw new EvalException(b.y().at(), "invalid operation: division by zero");
        }
        BigInteger v = switch (op) {
            case "+" -> x.v().add(y.v());
            case "-" -> x.v().subtract(y.v());
            case "*" -> x.v().multiply(y.v());
            case "/" -> x.v().divide(y.v());
            case "%" -> x.v().remainder(y.v());
            case "&" -> x.v().and(y.v());
            case "|" -> x.v().or(y.v());
            case "^" -> x.v().xor(y.v());
            case "&^" -> x.v().andNot(y.v());
            default -> throw new EvalException(b.op(), "unsupported: operator " + op);
        };
        return check(b.op(), text, v, typed);
    }

    private static int precedenceOf(String op) {
        return switch (op) {
            case "||" -> 1;
            case "&&" -> 2;
            case "==", "!=", "<", "<=", ">", ">=" -> 3;
            case "+", "-", "|", "^" -> 4;
            default -> 5;
        };
    }

    /** {@code v} (what {@code text} computes) as a value of {@code like}'s type (untyped, or typed), if it fits. */
    static Value check(Lexer.Token at, String text, BigInteger v, Value like) {
        if (like.type() == null) {
            if (v.bitLength() > MAX_BITS) {
                throw new EvalException(at, "constant overflow: " + text + " needs more than " + MAX_BITS + " bits");
            }
        } else {
            BigInteger[] r = range(like.base());
            if (v.compareTo(r[0]) < 0 || v.compareTo(r[1]) > 0) {
                throw new EvalException(at, text + " (constant " + v + " of type " + like.type() + ") overflows " + like.type());
            }
        }
        return new Value(v, like.type(), like.base());
    }
}
