// The CEL lexer: splits an expression into tokens (following cel-go's ANTLR
// lexis) and decodes string and bytes literal tokens into their values.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace tollgate::cel {

enum class TokenKind : uint8_t {
  End,  // end of input
  Ident,
  QuotedIdent,  // `a-b.c/d e`: a field name in backticks (text keeps the backticks)
  IntLit,     // 123, 0x1F
  UintLit,    // 123u, 0x1FU
  DoubleLit,  // 1.5, .5, 1e3
  StringLit,  // '..', "..", '''..''', r'..'
  BytesLit,   // b'..', br'..'
  True,
  False,
  Null,
  In,
  EqualEqual,
  NotEqual,
  Less,
  LessEqual,
  Greater,
  GreaterEqual,
  AndAnd,
  OrOr,
  LBracket,
  RBracket,
  LBrace,
  RBrace,
  LParen,
  RParen,
  Dot,
  Comma,
  Minus,
  Bang,
  Question,
  Colon,
  Plus,
  Star,
  Slash,
  Percent,
};

struct SourcePosition {
  int32_t line = 1;    // 1-based
  int32_t column = 1;  // 1-based, in code points
  int32_t offset = 0;  // byte offset
};

struct Token {
  TokenKind kind = TokenKind::End;
  std::string_view text;  // exact source text of the token (empty for End)
  SourcePosition position;
};

struct LexError {
  std::string message;  // e.g. "Syntax error: token recognition error at: '@'"
  SourcePosition position;
};

// Tokenizes the whole source. Whitespace and `//` comments are dropped; the
// last token is End. On the first unrecognizable input returns false with
// *error set. The source must outlive the tokens (they view into it).
bool tokenize(std::string_view source, std::vector<Token>* tokens, LexError* error);

// Decodes the text of a StringLit or BytesLit token (prefixes, quotes and
// escapes). Strings come out as UTF-8 with hex and octal escapes read as code
// points; bytes come out as raw octets. Returns false with *error set for an
// unknown escape, a surrogate or out-of-range code point, or a \u escape in
// bytes.
bool decode_quoted_literal(std::string_view token_text, std::string* out, std::string* error);

// How a token is shown in syntax errors: '<EOF>' or the quoted text.
std::string describe_token(const Token& token);

}  // namespace tollgate::cel
