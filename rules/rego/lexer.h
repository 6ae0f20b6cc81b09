// The Rego lexer: splits module or query text into tokens (rego-notes.md §1).
//
// Words are always Ident tokens: whether `if`, `in`, `contains` or `every`
// is a keyword depends on the syntax version and the module's imports, so the
// parser decides. Whitespace and comments are not tokens (comments can be
// collected on the side, for METADATA annotations), but every token records
// whether whitespace (or a newline) came before it: a ref continues only with
// an adjacent `.`, `[` or `(`, and newlines separate the literals of a body.
//
// Template strings ($"a{x}b", $`...`) come out as a sequence: a TemplateText
// token up to the first `{`, the tokens of the embedded expression, its
// closing RBrace, the next TemplateText, and so on until a TemplateText that
// ends the string.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "rules/rego/ast.h"

namespace tollgate::rego {

enum class TokenKind : uint8_t {
  End,           // end of input
  Ident,         // [A-Za-z_][A-Za-z0-9_]*, keywords included
  Number,        // 12, 1.5, 1e3 (no sign: `-` is its own token)
  String,        // "..." (text keeps the quotes and escapes)
  RawString,     // `...` (text keeps the backquotes)
  TemplateText,  // a piece of a template string; see TemplatePiece
  LBrack,
  RBrack,
  LBrace,
  RBrace,
  LParen,
  RParen,
  Comma,
  Colon,
  Semicolon,
  Dot,
  Assign,        // :=
  Unify,         // =
  Equal,         // ==
  NotEqual,      // !=
  Less,
  LessEqual,
  Greater,
  GreaterEqual,
  Plus,
  Minus,
  Star,
  Slash,
  Percent,
  Amp,           // &
  Pipe,          // |
};

struct Token {
  TokenKind kind = TokenKind::End;
  std::string_view text;  // exact source text (for TemplateText: the characters between delimiters)
  Location loc;
  uint32_t offset = 0;    // byte offset of the first character
  bool space_before = false;    // whitespace or a comment separates it from the previous token
  bool newline_before = false;  // ... and that gap holds a newline
  // TemplateText only.
  bool template_raw = false;    // $`...` (no escapes but `\{`)
  bool template_first = false;  // starts the template string ($" or $`)
  bool template_last = false;   // ends it (closing quote); otherwise an expression follows
};

// A comment: its text after the `#` up to the end of the line (a trailing
// carriage return left out) and where its `#` is, as OPA's scanner keeps it.
struct Comment {
  std::string_view text;
  Location loc;
};

// Tokenizes the whole text; the last token is End. On the first lexical error
// (bad character, unterminated string, malformed number) appends a
// rego_parse_error naming file:line:col and returns false. With `comments`,
// every comment is also recorded there, in order (no copy of its text).
bool tokenize(std::string_view text, std::string_view file, std::vector<Token>* tokens, std::vector<Error>* errors,
              std::vector<Comment>* comments = nullptr);

// The value of a String token ("..." with JSON escapes; \uXXXX surrogate
// pairs combine, a lone surrogate becomes U+FFFD) or RawString token.
// Returns false with *error set for an invalid escape or control character.
bool decode_string_token(const Token& token, std::string* out, std::string* error);

// The text of a TemplateText token with its escapes resolved (`\{` is a
// literal brace; quoted templates also take JSON escapes).
bool decode_template_text(const Token& token, std::string* out, std::string* error);

// How the parser names a token in messages, as OPA does: "ident", "string",
// "number", "eof", or the punctuation itself ("}", ":=").
std::string_view token_kind_name(TokenKind kind);

}  // namespace tollgate::rego
