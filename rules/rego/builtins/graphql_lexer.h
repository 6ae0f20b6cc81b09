// GraphQL lexer (the token rules of vektah/gqlparser, which OPA's graphql.*
// builtins use): names, numbers, strings, block strings and punctuators,
// with 1-based line and rune columns. A lexing error becomes an Invalid
// token, which the parser reports as "Unexpected <Invalid>" as OPA does.
#pragma once

#include <string>
#include <string_view>

namespace tollgate::rego::graphql {

enum class TokenKind {
  Invalid, Eof, Bang, Dollar, Amp, ParenL, ParenR, Spread, Colon, Equals, At, BracketL, BracketR,
  BraceL, BraceR, Pipe, Name, Int, Float, String, BlockString,
};

struct Token {
  TokenKind kind = TokenKind::Invalid;
  std::string value;  // names, numbers and decoded strings; empty for punctuators
  int line = 1;
  int column = 1;
};

// The kind as gqlparser names it in messages: "Name", "<EOF>", "{", "...".
std::string token_kind_name(TokenKind kind);
// The token as gqlparser describes it: `Name "foo"`, `String "x"`, `}`.
std::string describe_token(const Token& token);

class Lexer {
 public:
  explicit Lexer(std::string_view input) : input_(input) {}
  Token next();

 private:
  void skip_ignored();
  Token make(TokenKind kind, std::string value, int line, int column) const;
  Token invalid();
  Token read_name(int column);
  Token read_number(int column);
  Token read_string(int column);
  Token read_block_string(int column);
  int column_at(size_t runes) const { return static_cast<int>(runes - line_start_runes_) + 1; }
  void advance_byte() { ++pos_; ++runes_; }

  std::string_view input_;
  size_t pos_ = 0;
  size_t runes_ = 0;
  int line_ = 1;
  size_t line_start_runes_ = 0;
};

// Removes the common indentation and blank first/last lines of a block string (GraphQL spec).
std::string block_string_value(std::string_view raw);

}  // namespace tollgate::rego::graphql
