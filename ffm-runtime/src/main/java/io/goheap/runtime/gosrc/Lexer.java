package io.goheap.runtime.gosrc;

import java.util.ArrayList;
import java.util.List;

/**
 * Go's lexical grammar, as much of it as the front end needs: identifiers, keywords, numbers,
 * strings (interpreted and raw), runes, operators, comments, and Go's automatic semicolon insertion
 * (after a line's last identifier, literal, {@code break continue fallthrough return}, {@code ++ --}
 * or closing bracket).
 */
final class Lexer {
    enum Kind { IDENT, INT, FLOAT, STRING, CHAR, OP, SEMI, EOF }

    record Token(Kind kind, String text, int line, int col, String file) {
        boolean is(String s) {
            return (kind == Kind.OP || kind == Kind.IDENT || kind == Kind.SEMI) && text.equals(s);
        }
    }

    private static final String[] OPS = {"<<=", ">>=", "&^=", "...", "&&", "||", "<-", "++", "--", "==", "!=", "<=", ">=",
            ":=", "+=", "-=", "*=", "/=", "%=", "&=", "|=", "^=", "<<", ">>", "&^",
            "+", "-", "*", "/", "%", "&", "|", "^", "<", ">", "=", "!", "(", ")", "[", "]", "{", "}", ",", ";", ".", ":", "~"};

    private final String file;
    private final String src;
    private int pos;
    private int line = 1;
    private int col = 1;
    /** position of the first newline the last skipSpace passed */
    private int nlLine;
    private int nlCol;

    Lexer(String file, String src) {
        this.file = file;
        this.src = src;
        if (src.startsWith("\uFEFF")) {
            pos = 1; // a leading byte order mark is ignored, as by the Go compiler
        }
    }

    List<Token> tokens() {
        List<Token> out = new ArrayList<>();
        while (true) {
            boolean newline = skipSpace();
            if (newline && needsSemi(out)) {
                out.add(new Token(Kind.SEMI, "\n", nlLine, nlCol, file)); // where the newline was, as Go reports it
            }
            if (pos >= src.length()) {
                if (needsSemi(out)) {
                    out.add(new Token(Kind.SEMI, "\n", line, col, file));
                }
                out.add(new Token(Kind.EOF, "", line, col, file));
                return out;
            }
            out.add(next());
        }
    }

    private static boolean needsSemi(List<Token> out) {
        if (out.isEmpty()) {
            return false;
        }
        Token t = out.getLast();
        return switch (t.kind()) {
            case IDENT -> true;
            case INT, FLOAT, STRING, CHAR -> true;
            case OP -> t.text().equals(")") || t.text().equals("]") || t.text().equals("}") || t.text().equals("++") || t.text().equals("--");
            default -> false;
        };
    }

    /** Skips blanks and comments; true if a newline (or a comment spanning one) was passed. */
    private boolean skipSpace() {
        boolean nl = false;
        while (pos < src.length()) {
            char c = src.charAt(pos);
            if (c == '\n') {
                if (!nl) {
                    nlLine = line;
                    nlCol = col;
                }
                nl = true;
                advance();
            } else if (c == ' ' || c == '\t' || c == '\r') {
                advance();
            } else if (src.startsWith("//", pos)) {
                while (pos < src.length() && src.charAt(pos) != '\n') {
                    advance();
                }
            } else if (src.startsWith("/*", pos)) {
                int l = line;
                int cl = col;
                advance();
                advance();
                while (pos < src.length() && !src.startsWith("*/", pos)) {
                    if (src.charAt(pos) == '\n' && !nl) {
                        nl = true;
                        nlLine = line;
                        nlCol = col;
                    }
                    advance();
                }
                if (pos >= src.length()) {
                    throw new GoSyntaxException(file, l, cl, "comment not terminated");
                }
                advance();
                advance();
            } else {
                break;
            }
        }
        return nl;
    }

    private Token next() {
        int l = line;
        int c = col;
        char ch = src.charAt(pos);
        if (Character.isLetter(ch) || ch == '_') {
            int start = pos;
            while (pos < src.length() && (Character.isLetterOrDigit(src.charAt(pos)) || src.charAt(pos) == '_')) {
                advance();
            }
            return new Token(Kind.IDENT, src.substring(start, pos), l, c, file);
        }
        if ((ch >= '0' && ch <= '9') || (ch == '.' && pos + 1 < src.length() && src.charAt(pos + 1) >= '0' && src.charAt(pos + 1) <= '9')) {
            int start = pos;
            boolean flt = false;
            while (pos < src.length() && (Character.isLetterOrDigit(src.charAt(pos)) || src.charAt(pos) == '_' || src.charAt(pos) == '.')) {
                flt |= src.charAt(pos) == '.';
                advance();
            }
            return new Token(flt ? Kind.FLOAT : Kind.INT, src.substring(start, pos), l, c, file);
        }
        if (ch == '"' || ch == '`' || ch == '\'') {
            int start = pos;
            advance();
            while (pos < src.length() && src.charAt(pos) != ch) {
                if (src.charAt(pos) == '\\' && ch != '`') {
                    advance();
                    if (pos >= src.length()) {
                        break;
                    }
                } else if (src.charAt(pos) == '\n' && ch != '`') {
                    throw new GoSyntaxException(file, l, c, "string literal not terminated");
                }
                advance();
            }
            if (pos >= src.length()) {
                throw new GoSyntaxException(file, l, c, "string literal not terminated");
            }
            advance();
            return new Token(ch == '\'' ? Kind.CHAR : Kind.STRING, src.substring(start, pos), l, c, file);
        }
        for (String op : OPS) {
            if (src.startsWith(op, pos)) {
                for (int i = 0; i < op.length(); i++) {
                    advance();
                }
                return new Token(op.equals(";") ? Kind.SEMI : Kind.OP, op, l, c, file);
            }
        }
        throw new GoSyntaxException(file, l, c, "unexpected character " + describe(ch));
    }

    private static String describe(char ch) {
        return Character.isISOControl(ch) ? String.format("U+%04X", (int) ch) : "'" + ch + "'";
    }

    private void advance() {
        if (src.charAt(pos) == '\n') {
            line++;
            col = 1;
        } else {
            col++;
        }
        pos++;
    }
}
