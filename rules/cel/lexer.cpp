#include "rules/cel/lexer.h"

#include <cstdint>

#include "rules/value/utf8.h"

namespace tollgate::cel {
namespace {

bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_hex_digit(char c) { return is_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'); }
bool is_letter(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
bool is_ident_start(char c) { return is_letter(c) || c == '_'; }
bool is_ident_char(char c) { return is_ident_start(c) || is_digit(c); }
bool is_quote(char c) { return c == '"' || c == '\''; }
// What cel-go's ESC_IDENTIFIER allows between the backticks.
bool is_quoted_ident_char(char c) {
  return is_ident_char(c) || c == '.' || c == '-' || c == '/' || c == ' ';
}

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  return c - 'A' + 10;
}

// Length of the well-formed UTF-8 sequence starting at s[i], or 0 when the
// bytes there are not valid UTF-8 (overlong forms, encoded surrogates and
// values above U+10FFFF are invalid).
size_t utf8_sequence_length(std::string_view s, size_t i) {
  const auto byte = [&](size_t k) { return static_cast<unsigned char>(s[k]); };
  const unsigned char b0 = byte(i);
  if (b0 < 0x80) return 1;
  size_t len;
  uint32_t cp;
  if (b0 >= 0xC2 && b0 <= 0xDF) { len = 2; cp = b0 & 0x1F; }
  else if (b0 >= 0xE0 && b0 <= 0xEF) { len = 3; cp = b0 & 0x0F; }
  else if (b0 >= 0xF0 && b0 <= 0xF4) { len = 4; cp = b0 & 0x07; }
  else return 0;
  if (i + len > s.size()) return 0;
  for (size_t k = 1; k < len; ++k) {
    if ((byte(i + k) & 0xC0) != 0x80) return 0;
    cp = (cp << 6) | (byte(i + k) & 0x3F);
  }
  if ((len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000) || cp > 0x10FFFF) return 0;
  if (cp >= 0xD800 && cp <= 0xDFFF) return 0;
  return len;
}

class Scanner {
 public:
  Scanner(std::string_view source, std::vector<Token>* tokens, LexError* error)
      : src_(source), tokens_(tokens), error_(error) {}

  bool run() {
    while (true) {
      skip_blanks_and_comments();
      if (failed_) return false;
      if (pos_ >= src_.size()) break;
      if (!scan_token()) return false;
    }
    tokens_->push_back(Token{TokenKind::End, std::string_view(), here_});
    return true;
  }

 private:
  char peek(size_t k = 0) const { return pos_ + k < src_.size() ? src_[pos_ + k] : '\0'; }
  bool at_end(size_t k = 0) const { return pos_ + k >= src_.size(); }

  // Advances over one code point, keeping line and column current.
  bool advance() {
    const size_t len = utf8_sequence_length(src_, pos_);
    if (len == 0) {
      fail("Syntax error: invalid UTF-8 in expression", here_);
      return false;
    }
    if (src_[pos_] == '\n') {
      ++here_.line;
      here_.column = 1;
    } else {
      ++here_.column;
    }
    pos_ += len;
    here_.offset = static_cast<int32_t>(pos_);
    return true;
  }
  bool advance(size_t n) {
    for (size_t i = 0; i < n; ++i)
      if (!advance()) return false;
    return true;
  }

  void fail(std::string message, SourcePosition at) {
    if (failed_) return;
    failed_ = true;
    error_->message = std::move(message);
    error_->position = at;
  }

  // Reports the text from `start` up to the current position (callers
  // advance past the offending character first), as ANTLR does.
  void recognition_error(const SourcePosition& start) {
    const auto from = static_cast<size_t>(start.offset);
    fail("Syntax error: token recognition error at: '" + std::string(src_.substr(from, pos_ - from)) + "'", start);
  }

  void skip_blanks_and_comments() {
    while (!at_end()) {
      const char c = peek();
      if (c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\f') {
        advance();
      } else if (c == '/' && peek(1) == '/') {
        while (!at_end() && peek() != '\n')
          if (!advance()) return;
      } else {
        return;
      }
    }
  }

  void emit(TokenKind kind, const SourcePosition& start) {
    const auto from = static_cast<size_t>(start.offset);
    tokens_->push_back(Token{kind, src_.substr(from, pos_ - from), start});
  }

  bool scan_token() {
    const SourcePosition start = here_;
    const char c = peek();
    if (is_digit(c) || (c == '.' && is_digit(peek(1)))) return scan_number(start);
    if (is_ident_start(c)) {
      size_t prefix = 0;
      if ((c == 'r' || c == 'R') && is_quote(peek(1))) prefix = 1;
      if ((c == 'b' || c == 'B') && is_quote(peek(1))) prefix = 1;
      if ((c == 'b' || c == 'B') && (peek(1) == 'r' || peek(1) == 'R') && is_quote(peek(2))) prefix = 2;
      if (prefix > 0) return scan_quoted(start, prefix);
      while (is_ident_char(peek())) advance();
      const std::string_view word = src_.substr(static_cast<size_t>(start.offset), pos_ - static_cast<size_t>(start.offset));
      TokenKind kind = TokenKind::Ident;
      if (word == "true") kind = TokenKind::True;
      else if (word == "false") kind = TokenKind::False;
      else if (word == "null") kind = TokenKind::Null;
      else if (word == "in") kind = TokenKind::In;
      emit(kind, start);
      return true;
    }
    if (is_quote(c)) return scan_quoted(start, 0);
    if (c == '`') return scan_quoted_ident(start);

    TokenKind kind;
    size_t len = 1;
    switch (c) {
      case '=':
        if (peek(1) != '=') { advance(); recognition_error(start); return false; }
        kind = TokenKind::EqualEqual; len = 2; break;
      case '!':
        if (peek(1) == '=') { kind = TokenKind::NotEqual; len = 2; } else { kind = TokenKind::Bang; }
        break;
      case '<':
        if (peek(1) == '=') { kind = TokenKind::LessEqual; len = 2; } else { kind = TokenKind::Less; }
        break;
      case '>':
        if (peek(1) == '=') { kind = TokenKind::GreaterEqual; len = 2; } else { kind = TokenKind::Greater; }
        break;
      case '&':
        if (peek(1) != '&') { advance(); recognition_error(start); return false; }
        kind = TokenKind::AndAnd; len = 2; break;
      case '|':
        if (peek(1) != '|') { advance(); recognition_error(start); return false; }
        kind = TokenKind::OrOr; len = 2; break;
      case '[': kind = TokenKind::LBracket; break;
      case ']': kind = TokenKind::RBracket; break;
      case '{': kind = TokenKind::LBrace; break;
      case '}': kind = TokenKind::RBrace; break;
      case '(': kind = TokenKind::LParen; break;
      case ')': kind = TokenKind::RParen; break;
      case '.': kind = TokenKind::Dot; break;
      case ',': kind = TokenKind::Comma; break;
      case '-': kind = TokenKind::Minus; break;
      case '?': kind = TokenKind::Question; break;
      case ':': kind = TokenKind::Colon; break;
      case '+': kind = TokenKind::Plus; break;
      case '*': kind = TokenKind::Star; break;
      case '/': kind = TokenKind::Slash; break;
      case '%': kind = TokenKind::Percent; break;
      default:
        if (advance()) recognition_error(start);
        return false;
    }
    advance(len);
    emit(kind, start);
    return true;
  }

  // NUM_INT, NUM_UINT and NUM_FLOAT as cel-go lexes them: `0x` must be
  // followed by a hex digit, a fraction needs digits on both sides of the '.'
  // (except the leading-dot form) and an exponent needs at least one digit;
  // otherwise the longest valid prefix is the token.
  bool scan_number(const SourcePosition& start) {
    if (peek() == '0' && peek(1) == 'x' && is_hex_digit(peek(2))) {
      advance(2);
      while (is_hex_digit(peek())) advance();
      if (peek() == 'u' || peek() == 'U') {
        advance();
        emit(TokenKind::UintLit, start);
      } else {
        emit(TokenKind::IntLit, start);
      }
      return true;
    }
    bool is_double = false;
    if (peek() == '.') {
      is_double = true;
      advance();
      while (is_digit(peek())) advance();
    } else {
      while (is_digit(peek())) advance();
      if (peek() == '.' && is_digit(peek(1))) {
        is_double = true;
        advance();
        while (is_digit(peek())) advance();
      }
    }
    if (peek() == 'e' || peek() == 'E') {
      size_t k = 1;
      if (peek(k) == '+' || peek(k) == '-') ++k;
      if (is_digit(peek(k))) {
        is_double = true;
        advance(k);
        while (is_digit(peek())) advance();
      }
    }
    if (!is_double && (peek() == 'u' || peek() == 'U')) {
      advance();
      emit(TokenKind::UintLit, start);
      return true;
    }
    emit(is_double ? TokenKind::DoubleLit : TokenKind::IntLit, start);
    return true;
  }

  // A quoted literal after `prefix` characters of b/B and r/R. Escapes are
  // only skipped over here (so an escaped quote does not end the literal);
  // decode_quoted_literal checks and interprets them.
  bool scan_quoted(const SourcePosition& start, size_t prefix) {
    bool raw = false;
    bool bytes = false;
    for (size_t i = 0; i < prefix; ++i) {
      const char p = peek(i);
      if (p == 'r' || p == 'R') raw = true;
      if (p == 'b' || p == 'B') bytes = true;
    }
    advance(prefix);
    const char q = peek();
    const bool triple = peek(1) == q && peek(2) == q;
    advance(triple ? 3 : 1);
    while (true) {
      if (at_end()) {
        recognition_error(start);
        return false;
      }
      const char c = peek();
      if (triple) {
        if (c == q && peek(1) == q && peek(2) == q) {
          advance(3);
          break;
        }
      } else {
        if (c == '\n' || c == '\r') {
          recognition_error(start);
          return false;
        }
        if (c == q) {
          advance();
          break;
        }
      }
      if (c == '\\' && !raw) {
        if (!advance()) return false;
        if (at_end() || (!triple && (peek() == '\n' || peek() == '\r'))) {
          recognition_error(start);
          return false;
        }
      }
      if (!advance()) return false;
    }
    emit(bytes ? TokenKind::BytesLit : TokenKind::StringLit, start);
    return true;
  }

  // ESC_IDENTIFIER: '`' (LETTER | DIGIT | '_' | '.' | '-' | '/' | ' ')+ '`'.
  // The token is always recognised, as in cel-go; whether the parser
  // accepts it is a parse option.
  bool scan_quoted_ident(const SourcePosition& start) {
    advance();
    size_t length = 0;
    while (is_quoted_ident_char(peek())) {
      advance();
      ++length;
    }
    if (length > 0 && peek() == '`') {
      advance();
      emit(TokenKind::QuotedIdent, start);
      return true;
    }
    if (!at_end() && !advance()) return false;
    recognition_error(start);
    return false;
  }

  std::string_view src_;
  std::vector<Token>* tokens_;
  LexError* error_;
  size_t pos_ = 0;
  SourcePosition here_;
  bool failed_ = false;
};

}  // namespace

bool tokenize(std::string_view source, std::vector<Token>* tokens, LexError* error) {
  tokens->clear();
  Scanner scanner(source, tokens, error);
  return scanner.run();
}

bool decode_quoted_literal(std::string_view text, std::string* out, std::string* error) {
  out->clear();
  bool raw = false;
  bool bytes = false;
  size_t i = 0;
  while (i < text.size() && !is_quote(text[i])) {
    if (text[i] == 'r' || text[i] == 'R') raw = true;
    if (text[i] == 'b' || text[i] == 'B') bytes = true;
    ++i;
  }
  const char q = i < text.size() ? text[i] : '"';
  const size_t quote_len = (i + 2 < text.size() && text[i + 1] == q && text[i + 2] == q && text.size() - i >= 6) ? 3 : 1;
  if (text.size() < i + 2 * quote_len) {
    *error = "malformed quoted literal";
    return false;
  }
  const std::string_view body = text.substr(i + quote_len, text.size() - i - 2 * quote_len);
  if (raw) {
    out->assign(body);
    return true;
  }
  out->reserve(body.size());
  for (size_t k = 0; k < body.size();) {
    const char c = body[k];
    if (c != '\\') {
      out->push_back(c);
      ++k;
      continue;
    }
    if (k + 1 >= body.size()) {
      *error = "invalid escape sequence at end of literal";
      return false;
    }
    const char e = body[k + 1];
    k += 2;
    switch (e) {
      case 'a': out->push_back('\a'); continue;
      case 'b': out->push_back('\b'); continue;
      case 'f': out->push_back('\f'); continue;
      case 'n': out->push_back('\n'); continue;
      case 'r': out->push_back('\r'); continue;
      case 't': out->push_back('\t'); continue;
      case 'v': out->push_back('\v'); continue;
      case '\\': case '?': case '"': case '\'': case '`': out->push_back(e); continue;
      default: break;
    }
    if (e == 'x' || e == 'X' || e == 'u' || e == 'U') {
      const size_t digits = (e == 'x' || e == 'X') ? 2 : (e == 'u' ? 4 : 8);
      if (bytes && (e == 'u' || e == 'U')) {
        *error = std::string("invalid escape sequence in bytes literal: \\") + e;
        return false;
      }
      if (k + digits > body.size()) {
        *error = std::string("invalid escape sequence: \\") + e;
        return false;
      }
      uint32_t v = 0;
      for (size_t d = 0; d < digits; ++d) {
        if (!is_hex_digit(body[k + d])) {
          *error = std::string("invalid escape sequence: \\") + e;
          return false;
        }
        v = v * 16 + static_cast<uint32_t>(hex_value(body[k + d]));
      }
      k += digits;
      if (bytes) {
        out->push_back(static_cast<char>(v));
        continue;
      }
      if (v > 0x10FFFF) {
        *error = "invalid unicode code point in escape sequence";
        return false;
      }
      if (v >= 0xD800 && v <= 0xDFFF) {
        *error = "unicode surrogate code point in escape sequence";
        return false;
      }
      value::append_utf8(v, *out);
      continue;
    }
    if (e >= '0' && e <= '3') {
      if (k + 2 > body.size() || body[k] < '0' || body[k] > '7' || body[k + 1] < '0' || body[k + 1] > '7') {
        *error = "invalid octal escape sequence";
        return false;
      }
      const uint32_t v = static_cast<uint32_t>((e - '0') * 64 + (body[k] - '0') * 8 + (body[k + 1] - '0'));
      k += 2;
      if (bytes) {
        out->push_back(static_cast<char>(v));
      } else {
        value::append_utf8(v, *out);
      }
      continue;
    }
    *error = std::string("invalid escape sequence: \\") + e;
    return false;
  }
  return true;
}

std::string describe_token(const Token& token) {
  if (token.kind == TokenKind::End) return "'<EOF>'";
  std::string out;
  out.reserve(token.text.size() + 2);
  out.push_back('\'');
  out.append(token.text);
  out.push_back('\'');
  return out;
}

}  // namespace tollgate::cel
