#include "rules/cel/lexer.h"

#include <catch2/catch.hpp>

namespace tollgate::cel {
namespace {

std::vector<Token> lex(std::string_view src) {
  std::vector<Token> tokens;
  LexError error;
  INFO(src);
  REQUIRE(tokenize(src, &tokens, &error));
  return tokens;
}

std::vector<TokenKind> kinds(std::string_view src) {
  std::vector<TokenKind> out;
  for (const auto& t : lex(src)) out.push_back(t.kind);
  return out;
}

LexError lex_error(std::string_view src) {
  std::vector<Token> tokens;
  LexError error;
  INFO(src);
  REQUIRE_FALSE(tokenize(src, &tokens, &error));
  return error;
}

std::string decoded(std::string_view literal) {
  std::string out, error;
  INFO(literal);
  REQUIRE(decode_quoted_literal(literal, &out, &error));
  return out;
}

std::string decode_error(std::string_view literal) {
  std::string out, error;
  INFO(literal);
  REQUIRE_FALSE(decode_quoted_literal(literal, &out, &error));
  return error;
}

using K = TokenKind;

TEST_CASE("lexer: operators and punctuation", "[cel][lexer]") {
  CHECK(kinds("== != < <= > >= && || [ ] { } ( ) . , - ! ? : + * / %") ==
        std::vector<K>{K::EqualEqual, K::NotEqual, K::Less, K::LessEqual, K::Greater, K::GreaterEqual, K::AndAnd,
                       K::OrOr, K::LBracket, K::RBracket, K::LBrace, K::RBrace, K::LParen, K::RParen, K::Dot,
                       K::Comma, K::Minus, K::Bang, K::Question, K::Colon, K::Plus, K::Star, K::Slash, K::Percent,
                       K::End});
  CHECK(kinds("a<=b") == std::vector<K>{K::Ident, K::LessEqual, K::Ident, K::End});
  CHECK(kinds("!a!=b") == std::vector<K>{K::Bang, K::Ident, K::NotEqual, K::Ident, K::End});
}

TEST_CASE("lexer: backtick-quoted identifiers", "[cel][lexer]") {
  CHECK(kinds("a.`b-c`") == std::vector<K>{K::Ident, K::Dot, K::QuotedIdent, K::End});
  const auto t = lex("m.`foo.txt/x y_1`.c");
  CHECK(t[2].text == "`foo.txt/x y_1`");
  CHECK(t[2].position.column == 3);
  CHECK(t[3].kind == K::Dot);
  CHECK(kinds("`in`") == std::vector<K>{K::QuotedIdent, K::End});
}

TEST_CASE("lexer: keywords and identifiers", "[cel][lexer]") {
  CHECK(kinds("true false null in") == std::vector<K>{K::True, K::False, K::Null, K::In, K::End});
  CHECK(kinds("_x1 trueish inner if") == std::vector<K>{K::Ident, K::Ident, K::Ident, K::Ident, K::End});
  const auto t = lex("a_b9");
  CHECK(t[0].text == "a_b9");
}

TEST_CASE("lexer: numbers", "[cel][lexer]") {
  CHECK(kinds("123 0x1F 0xaf") == std::vector<K>{K::IntLit, K::IntLit, K::IntLit, K::End});
  CHECK(kinds("123u 0x1FU 7U") == std::vector<K>{K::UintLit, K::UintLit, K::UintLit, K::End});
  CHECK(kinds("1.5 .5 1e3 1.5e-3 2E+10 .5e1") ==
        std::vector<K>{K::DoubleLit, K::DoubleLit, K::DoubleLit, K::DoubleLit, K::DoubleLit, K::DoubleLit, K::End});
  // `1.` is not a double: it is an int followed by a dot.
  CHECK(kinds("1.") == std::vector<K>{K::IntLit, K::Dot, K::End});
  CHECK(kinds("1.size()") == std::vector<K>{K::IntLit, K::Dot, K::Ident, K::LParen, K::RParen, K::End});
  // An exponent needs digits; `0x` needs a hex digit.
  CHECK(kinds("1e") == std::vector<K>{K::IntLit, K::Ident, K::End});
  CHECK(kinds("0x") == std::vector<K>{K::IntLit, K::Ident, K::End});
  // A fraction is never followed by a uint suffix.
  CHECK(kinds("1.5u") == std::vector<K>{K::DoubleLit, K::Ident, K::End});
  CHECK(lex("0x1FU")[0].text == "0x1FU");
}

TEST_CASE("lexer: string and bytes tokens", "[cel][lexer]") {
  CHECK(kinds(R"('a' "b" '''c''' """d""" r'e' R"f" b'g' B"h" br'i' bR'''j''')") ==
        std::vector<K>{K::StringLit, K::StringLit, K::StringLit, K::StringLit, K::StringLit, K::StringLit,
                       K::BytesLit, K::BytesLit, K::BytesLit, K::BytesLit, K::End});
  // An escaped quote does not end the literal; in a raw literal it does.
  CHECK(lex(R"('a\'b' + x)")[0].text == R"('a\'b')");
  CHECK(kinds(R"(r'a\' + x)") == std::vector<K>{K::StringLit, K::Plus, K::Ident, K::End});
  // Triple-quoted literals may span lines.
  CHECK(kinds("'''line1\nline2''' + 1") == std::vector<K>{K::StringLit, K::Plus, K::IntLit, K::End});
  // `rb` is not a prefix (the grammar only has b then r).
  CHECK(kinds("rb'x'") == std::vector<K>{K::Ident, K::StringLit, K::End});
  // Empty literals.
  CHECK(kinds("'' \"\" '''''' b''") == std::vector<K>{K::StringLit, K::StringLit, K::StringLit, K::BytesLit, K::End});
}

TEST_CASE("lexer: comments and whitespace are skipped", "[cel][lexer]") {
  CHECK(kinds("a // comment + b\n + c") == std::vector<K>{K::Ident, K::Plus, K::Ident, K::End});
  CHECK(kinds("\t\r\n\f a") == std::vector<K>{K::Ident, K::End});
  CHECK(kinds("// only a comment") == std::vector<K>{K::End});
}

TEST_CASE("lexer: positions count lines, code points and bytes", "[cel][lexer]") {
  const auto t = lex("'héllo' + x\n  && y");
  REQUIRE(t.size() == 6);
  CHECK(t[1].kind == K::Plus);
  CHECK(t[1].position.line == 1);
  CHECK(t[1].position.column == 9);  // 7 code points for the literal, then a space
  CHECK(t[1].position.offset == 9);  // but 8 bytes for the literal
  CHECK(t[3].kind == K::AndAnd);
  CHECK(t[3].position.line == 2);
  CHECK(t[3].position.column == 3);
  CHECK(t[4].position.column == 6);
}

TEST_CASE("lexer: errors", "[cel][lexer]") {
  auto e = lex_error("a + @b");
  CHECK(e.message == "Syntax error: token recognition error at: '@'");
  CHECK(e.position.line == 1);
  CHECK(e.position.column == 5);
  CHECK(lex_error("a = b").message == "Syntax error: token recognition error at: '='");
  CHECK(lex_error("a & b").message == "Syntax error: token recognition error at: '&'");
  CHECK(lex_error("a | b").position.column == 3);
  // Backticks quote only letters, digits and _ . - / and space, at least one.
  e = lex_error("a.`$b`");
  CHECK(e.message == "Syntax error: token recognition error at: '`$'");
  CHECK(e.position.column == 3);
  CHECK(lex_error("a.``").message == "Syntax error: token recognition error at: '``'");
  CHECK(lex_error("a.`b-c").message == "Syntax error: token recognition error at: '`b-c'");
  // Unterminated literals and raw newlines in single-quoted literals.
  e = lex_error("x + 'abc");
  CHECK(e.message == "Syntax error: token recognition error at: ''abc'");
  CHECK(e.position.column == 5);
  e = lex_error("'ab\ncd'");
  CHECK(e.position.line == 1);
  CHECK(e.position.column == 1);
  lex_error("r'ab\ncd'");
  lex_error("'''abc''");
  lex_error("'abc\\");
  // Non-ASCII outside literals and invalid UTF-8 anywhere.
  e = lex_error("a + é");
  CHECK(e.position.column == 5);
  CHECK(lex_error("'a\xff'").message == "Syntax error: invalid UTF-8 in expression");
  CHECK(lex_error("\xc0\x80").message == "Syntax error: invalid UTF-8 in expression");
}

TEST_CASE("lexer: escape sequences in strings", "[cel][lexer]") {
  CHECK(decoded(R"('\a\b\f\n\r\t\v')") == "\a\b\f\n\r\t\v");
  CHECK(decoded(R"("\\ \? \" \' \`")") == "\\ ? \" ' `");
  CHECK(decoded(R"('\x41\X42')") == "AB");
  CHECK(decoded(R"('\u00e9')") == "é");
  CHECK(decoded(R"('\U0001F600')") == "\xF0\x9F\x98\x80");
  CHECK(decoded(R"('\101\060')") == "A0");
  // In strings, hex and octal escapes are code points, not octets.
  CHECK(decoded(R"("\377")") == "ÿ");
  CHECK(decoded(R"("\xff")") == "ÿ");
  CHECK(decoded(R"('''a\'''b''')") == "a'''b");
  CHECK(decoded("'''two\nlines'''") == "two\nlines");
  CHECK(decoded(R"('')") == "");
}

TEST_CASE("lexer: escape sequences in bytes", "[cel][lexer]") {
  // In bytes, hex and octal escapes are octets.
  CHECK(decoded(R"(b"\377")") == std::string("\xff"));
  CHECK(decoded(R"(b'\xff\x00')") == std::string("\xff\x00", 2));
  CHECK(decoded(R"(b"ÿ")") == "ÿ");  // two octets of UTF-8
  CHECK(decoded(R"(b"ÿ")").size() == 2);
  CHECK(decode_error(R"(b'\u00ff')").find("bytes") != std::string::npos);
  CHECK(decode_error(R"(b'\U000000ff')").find("bytes") != std::string::npos);
}

TEST_CASE("lexer: raw literals keep backslashes", "[cel][lexer]") {
  CHECK(decoded(R"(r'\n\d')") == R"(\n\d)");
  CHECK(decoded(R"(R"a\d")") == R"(a\d)");
  CHECK(decoded(R"(br'\x00')") == R"(\x00)");
  CHECK(decoded(R"(r'''a\''')") == "a\\");
}

TEST_CASE("lexer: invalid escapes", "[cel][lexer]") {
  CHECK(decode_error(R"('\q')") == "invalid escape sequence: \\q");
  CHECK(decode_error(R"('\x4')").find("invalid escape") != std::string::npos);
  CHECK(decode_error(R"('\u12')").find("invalid escape") != std::string::npos);
  CHECK(decode_error(R"('\400')").find("invalid escape") != std::string::npos);  // \4 is not an octal lead
  CHECK(decode_error(R"('\18')") == "invalid octal escape sequence");
  CHECK(decode_error(R"('\ud800')") == "unicode surrogate code point in escape sequence");
  CHECK(decode_error(R"('\ud83d\ude00')") == "unicode surrogate code point in escape sequence");
  CHECK(decode_error(R"('\U00110000')") == "invalid unicode code point in escape sequence");
}

}  // namespace
}  // namespace tollgate::cel
