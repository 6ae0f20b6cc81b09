#include "rules/rego/lexer.h"

#include <catch2/catch.hpp>

namespace tollgate::rego {
namespace {

using K = TokenKind;

std::vector<Token> lex(std::string_view src) {
  std::vector<Token> tokens;
  std::vector<Error> errors;
  INFO(src);
  REQUIRE(tokenize(src, "f.rego", &tokens, &errors));
  REQUIRE(errors.empty());
  return tokens;
}

std::vector<K> kinds(std::string_view src) {
  std::vector<K> out;
  for (const auto& t : lex(src)) out.push_back(t.kind);
  return out;
}

Error lex_error(std::string_view src) {
  std::vector<Token> tokens;
  std::vector<Error> errors;
  INFO(src);
  REQUIRE_FALSE(tokenize(src, "f.rego", &tokens, &errors));
  REQUIRE(errors.size() == 1);
  CHECK(errors[0].code == "rego_parse_error");
  CHECK(errors[0].file == "f.rego");
  return errors[0];
}

std::string decoded(std::string_view literal) {
  auto tokens = lex(literal);
  REQUIRE(tokens.size() == 2);
  std::string out, error;
  REQUIRE(decode_string_token(tokens[0], &out, &error));
  return out;
}

std::string decode_error(std::string_view literal) {
  auto tokens = lex(literal);
  std::string out, error;
  REQUIRE_FALSE(decode_string_token(tokens[0], &out, &error));
  return error;
}

TEST_CASE("lexer: every punctuation and operator token", "[lexer]") {
  CHECK(kinds("[ ] { } ( ) , : ; . := = == != < <= > >= + - * / % & |") ==
        std::vector<K>{K::LBrack, K::RBrack,    K::LBrace, K::RBrace,       K::LParen, K::RParen, K::Comma,
                       K::Colon,  K::Semicolon, K::Dot,    K::Assign,       K::Unify,  K::Equal,  K::NotEqual,
                       K::Less,   K::LessEqual, K::Greater, K::GreaterEqual, K::Plus,   K::Minus,  K::Star,
                       K::Slash,  K::Percent,   K::Amp,    K::Pipe,         K::End});
  // Longest match without spaces.
  CHECK(kinds("a:=b==c<=d>=e!=f") == std::vector<K>{K::Ident, K::Assign, K::Ident, K::Equal, K::Ident, K::LessEqual,
                                                     K::Ident, K::GreaterEqual, K::Ident, K::NotEqual, K::Ident,
                                                     K::End});
}

TEST_CASE("lexer: identifiers, keywords and numbers", "[lexer]") {
  auto t = lex("not_x _ x1 if else 12 1.5 0.25e-3 7E+2");
  REQUIRE(t.size() == 10);
  CHECK(t[0].kind == K::Ident);
  CHECK(t[0].text == "not_x");
  CHECK(t[1].text == "_");
  CHECK(t[2].text == "x1");
  // Keywords are words; the parser decides (they depend on the version).
  CHECK(t[3].kind == K::Ident);
  CHECK(t[4].kind == K::Ident);
  CHECK(t[5].kind == K::Number);
  CHECK(t[5].text == "12");
  CHECK(t[6].text == "1.5");
  CHECK(t[7].text == "0.25e-3");
  CHECK(t[8].text == "7E+2");
  // A minus sign is its own token; the parser folds it into literals.
  CHECK(kinds("-1") == std::vector<K>{K::Minus, K::Number, K::End});
  // `1.foo` is a number then a ref operand (rejected by the parser).
  CHECK(kinds("x[1].foo") == std::vector<K>{K::Ident, K::LBrack, K::Number, K::RBrack, K::Dot, K::Ident, K::End});
}

TEST_CASE("lexer: locations are 1-based line:column in bytes", "[lexer]") {
  auto t = lex("package a\n\n  p := \"é\" + 1");
  REQUIRE(t.size() == 8);
  CHECK(t[0].loc.line == 1);
  CHECK(t[0].loc.column == 1);
  CHECK(t[1].loc.column == 9);
  CHECK(t[2].loc.line == 3);
  CHECK(t[2].loc.column == 3);
  CHECK(t[4].loc.column == 8);  // the string
  CHECK(t[5].loc.column == 13);  // `+` after the 2-byte é
  CHECK(t[5].offset == 23);
}

TEST_CASE("lexer: whitespace, comments and newlines before tokens", "[lexer]") {
  auto t = lex("a.b c # comment\n  d;e");
  REQUIRE(t.size() == 8);
  CHECK_FALSE(t[1].space_before);  // .
  CHECK_FALSE(t[2].space_before);  // b
  CHECK(t[3].space_before);        // c
  CHECK_FALSE(t[3].newline_before);
  CHECK(t[4].newline_before);  // d, after a comment line
  CHECK_FALSE(t[5].space_before);
  CHECK(kinds("# only a comment") == std::vector<K>{K::End});
  CHECK(kinds("x # trailing") == std::vector<K>{K::Ident, K::End});
}

TEST_CASE("lexer: string escapes decode like JSON", "[lexer]") {
  CHECK(decoded(R"("plain")") == "plain");
  CHECK(decoded(R"("a\"b\\c\/d")") == "a\"b\\c/d");
  CHECK(decoded(R"("\b\f\n\r\t")") == "\b\f\n\r\t");
  CHECK(decoded(R"("\u00e9\u4e2D")") == "é中");
  // A surrogate pair combines into one code point; a lone one is U+FFFD.
  CHECK(decoded(R"("\ud83c\udf67")") == "🍧");
  CHECK(decoded(R"("\ud83c!")") == "\xEF\xBF\xBD!");
  CHECK(decoded(R"("\udf67")") == "\xEF\xBF\xBD");
  CHECK(decoded("\"ünïcode\"") == "ünïcode");
  CHECK(decode_error(R"("\u12g4")").find("four hex digits") != std::string::npos);
  CHECK(decode_error("\"tab\tinside\"") == "illegal control character in string");
}

TEST_CASE("lexer: raw strings keep everything and may span lines", "[lexer]") {
  CHECK(decoded("`a\\nb\"c`") == "a\\nb\"c");
  auto t = lex("`line1\nline2` x");
  REQUIRE(t.size() == 3);
  CHECK(t[0].kind == K::RawString);
  CHECK(t[1].loc.line == 2);
  CHECK(t[1].loc.column == 8);
}

TEST_CASE("lexer: template strings split around embedded expressions", "[lexer]") {
  auto t = lex(R"($"a{x}b{ {1} }c")");
  std::vector<K> k;
  for (const auto& tok : t) k.push_back(tok.kind);
  CHECK(k == std::vector<K>{K::TemplateText, K::Ident, K::RBrace, K::TemplateText, K::LBrace, K::Number, K::RBrace,
                            K::RBrace, K::TemplateText, K::End});
  CHECK(t[0].template_first);
  CHECK_FALSE(t[0].template_last);
  CHECK(t[0].text == "a");
  CHECK(t[3].text == "b");
  CHECK(t[8].text == "c");
  CHECK(t[8].template_last);

  auto raw = lex("$`x\n\\{y}`");
  REQUIRE(raw.size() == 2);
  CHECK(raw[0].template_raw);
  CHECK(raw[0].template_last);
  std::string out, error;
  REQUIRE(decode_template_text(raw[0], &out, &error));
  CHECK(out == "x\n{y}");

  auto quoted = lex(R"($"\{1}\t")");
  REQUIRE(decode_template_text(quoted[0], &out, &error));
  CHECK(out == "{1}\t");

  auto nested = lex(R"($"{$"{a}"}")");
  CHECK(nested.size() == 8);  // $" $" a } " } " end
}

TEST_CASE("lexer: errors name the position", "[lexer]") {
  auto e = lex_error("x := \"abc\ny");
  CHECK(e.message == "non-terminated string");
  CHECK(e.loc.line == 1);
  CHECK(e.loc.column == 6);
  CHECK(lex_error("`never closed").message == "non-terminated string");
  e = lex_error("a ! b");
  CHECK(e.message == "illegal ! character");
  CHECK(e.loc.column == 3);
  CHECK(lex_error("x @ y").message.find("unexpected character '@'") != std::string::npos);
  CHECK(lex_error("12abc").message == "illegal number format");
  CHECK(lex_error("1.").message == "expected fraction");
  CHECK(lex_error("1e+").message == "expected exponent");
  CHECK(lex_error("$x").message == "illegal $ character");
  CHECK(lex_error("$\"abc").message == "non-terminated template string");
  CHECK(lex_error("\"bad \xFF utf8\"").message == "illegal utf-8 character");
  CHECK(lex_error(std::string_view("a \0 b", 5)).message == "illegal null character");
  e = lex_error("p {\n  x := 1\n  y := 2 ^ 3\n}");
  CHECK(e.to_string() == "f.rego:3:10: rego_parse_error: illegal token: unexpected character '^'");
}

TEST_CASE("lexer: a byte-order mark at the start is skipped", "[lexer]") {
  auto t = lex("\xEF\xBB\xBFpackage a");
  REQUIRE(t.size() == 3);
  CHECK(t[0].text == "package");
}

}  // namespace
}  // namespace tollgate::rego
