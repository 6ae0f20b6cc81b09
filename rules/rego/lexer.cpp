#include "rules/rego/lexer.h"

#include "rules/value/utf8.h"

namespace tollgate::rego {

namespace {

bool is_letter(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_'; }
bool is_digit(char c) { return c >= '0' && c <= '9'; }

// Length of the valid UTF-8 sequence starting at s[i] (a non-ASCII lead
// byte), or 0 when it is malformed.
size_t utf8_sequence_length(std::string_view s, size_t i) {
  const auto b0 = static_cast<unsigned char>(s[i]);
  size_t n = 0;
  uint32_t min = 0;
  if (b0 >= 0xC2 && b0 <= 0xDF) { n = 2; min = 0x80; }
  else if (b0 >= 0xE0 && b0 <= 0xEF) { n = 3; min = 0x800; }
  else if (b0 >= 0xF0 && b0 <= 0xF4) { n = 4; min = 0x10000; }
  else return 0;
  if (i + n > s.size()) return 0;
  uint32_t cp = b0 & (0xFF >> (n + 1));
  for (size_t k = 1; k < n; ++k) {
    const auto b = static_cast<unsigned char>(s[i + k]);
    if ((b & 0xC0) != 0x80) return 0;
    cp = (cp << 6) | (b & 0x3F);
  }
  if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return 0;
  return n;
}

bool read_hex4(std::string_view s, size_t i, uint32_t* out) {
  if (i + 4 > s.size()) return false;
  uint32_t v = 0;
  for (size_t k = 0; k < 4; ++k) {
    const char c = s[i + k];
    v <<= 4;
    if (c >= '0' && c <= '9') v |= static_cast<uint32_t>(c - '0');
    else if (c >= 'a' && c <= 'f') v |= static_cast<uint32_t>(c - 'a' + 10);
    else if (c >= 'A' && c <= 'F') v |= static_cast<uint32_t>(c - 'A' + 10);
    else return false;
  }
  *out = v;
  return true;
}

// Decodes JSON-style escapes in `inner` (the text between the quotes), as Go's
// encoding/json does: lone surrogates become U+FFFD. With brace_escape, `\{`
// is also accepted (template strings).
bool decode_escapes(std::string_view inner, bool brace_escape, std::string* out, std::string* error) {
  out->clear();
  out->reserve(inner.size());
  for (size_t i = 0; i < inner.size(); ++i) {
    const char c = inner[i];
    if (static_cast<unsigned char>(c) < 0x20) {
      *error = "illegal control character in string";
      return false;
    }
    if (c != '\\') {
      out->push_back(c);
      continue;
    }
    if (++i >= inner.size()) {
      *error = "illegal escape sequence";
      return false;
    }
    switch (inner[i]) {
      case '"': out->push_back('"'); break;
      case '\\': out->push_back('\\'); break;
      case '/': out->push_back('/'); break;
      case 'b': out->push_back('\b'); break;
      case 'f': out->push_back('\f'); break;
      case 'n': out->push_back('\n'); break;
      case 'r': out->push_back('\r'); break;
      case 't': out->push_back('\t'); break;
      case '{':
        if (!brace_escape) {
          *error = "illegal escape sequence";
          return false;
        }
        out->push_back('{');
        break;
      case 'u': {
        uint32_t cp = 0;
        if (!read_hex4(inner, i + 1, &cp)) {
          *error = "illegal \\u escape: expected four hex digits";
          return false;
        }
        i += 4;
        if (cp >= 0xD800 && cp <= 0xDBFF) {
          uint32_t low = 0;
          if (i + 2 < inner.size() && inner[i + 1] == '\\' && inner[i + 2] == 'u' && read_hex4(inner, i + 3, &low) &&
              low >= 0xDC00 && low <= 0xDFFF) {
            cp = 0x10000 + ((cp - 0xD800) << 10) + (low - 0xDC00);
            i += 6;
          } else {
            cp = 0xFFFD;
          }
        } else if (cp >= 0xDC00 && cp <= 0xDFFF) {
          cp = 0xFFFD;
        }
        value::append_utf8(cp, *out);
        break;
      }
      default:
        *error = "illegal escape sequence";
        return false;
    }
  }
  return true;
}

class Lexer {
 public:
  Lexer(std::string_view text, std::string_view file, std::vector<Token>* tokens, std::vector<Error>* errors,
        std::vector<Comment>* comments)
      : text_(text), file_(file), tokens_(tokens), errors_(errors), comments_(comments) {}

  bool run() {
    // A UTF-8 byte-order mark at the very start is ignored, as OPA does.
    if (text_.substr(0, 3) == "\xEF\xBB\xBF") pos_ = 3;
    while (true) {
      if (!skip_space()) return false;
      if (pos_ >= text_.size()) break;
      if (!scan_token()) return false;
    }
    Token end;
    end.kind = TokenKind::End;
    end.loc = here();
    end.offset = static_cast<uint32_t>(pos_);
    end.space_before = gap_space_;
    end.newline_before = gap_newline_;
    tokens_->push_back(end);
    if (!templates_.empty()) return fail(templates_.back().start, "non-terminated template string");
    return true;
  }

 private:
  struct OpenTemplate {
    bool raw = false;
    int depth = 0;  // open braces of the embedded expression
    Location start;
  };

  Location here() const { return Location{line_, col_}; }

  void advance(size_t n = 1) {
    for (size_t k = 0; k < n && pos_ < text_.size(); ++k) {
      if (text_[pos_] == '\n') {
        ++line_;
        col_ = 1;
      } else {
        ++col_;
      }
      ++pos_;
    }
  }

  char peek(size_t ahead = 0) const { return pos_ + ahead < text_.size() ? text_[pos_ + ahead] : '\0'; }

  bool fail(Location loc, std::string message) {
    errors_->push_back(Error{"rego_parse_error", std::move(message), std::string(file_), loc});
    return false;
  }

  // Consumes whitespace and comments, noting what the gap held.
  bool skip_space() {
    gap_space_ = false;
    gap_newline_ = false;
    while (pos_ < text_.size()) {
      const char c = text_[pos_];
      if (c == ' ' || c == '\t' || c == '\r' || c == '\n') {
        gap_space_ = true;
        if (c == '\n') gap_newline_ = true;
        advance();
      } else if (c == '#') {
        gap_space_ = true;
        const Location loc = here();
        const size_t start = pos_ + 1;
        while (pos_ < text_.size() && text_[pos_] != '\n') {
          if (!check_char_in_text()) return false;
        }
        if (comments_ != nullptr) {
          size_t end = pos_;
          if (end > start && text_[end - 1] == '\r') --end;
          comments_->push_back(Comment{text_.substr(start, end - start), loc});
        }
      } else {
        break;
      }
    }
    return true;
  }

  // Steps over one character of string or comment content, rejecting NUL and
  // malformed UTF-8 as OPA's scanner does.
  bool check_char_in_text() {
    const auto c = static_cast<unsigned char>(text_[pos_]);
    if (c == 0) return fail(here(), "illegal null character");
    if (c < 0x80) {
      advance();
      return true;
    }
    const size_t n = utf8_sequence_length(text_, pos_);
    if (n == 0) return fail(here(), "illegal utf-8 character");
    pos_ += n;  // one column per byte
    col_ += static_cast<uint32_t>(n);
    return true;
  }

  void push(TokenKind kind, size_t start, Location loc) {
    Token t;
    t.kind = kind;
    t.text = text_.substr(start, pos_ - start);
    t.loc = loc;
    t.offset = static_cast<uint32_t>(start);
    t.space_before = gap_space_ || tokens_->empty();
    t.newline_before = gap_newline_;
    tokens_->push_back(t);
  }

  bool scan_token() {
    const size_t start = pos_;
    const Location loc = here();
    const char c = text_[pos_];
    if (is_letter(c)) {
      while (is_letter(peek()) || is_digit(peek())) advance();
      push(TokenKind::Ident, start, loc);
      return true;
    }
    if (is_digit(c)) return scan_number(start, loc);
    switch (c) {
      case '"': return scan_string(start, loc);
      case '`': return scan_raw_string(start, loc);
      case '$':
        if (peek(1) == '"' || peek(1) == '`') {
          const bool raw = peek(1) == '`';
          advance(2);
          templates_.push_back(OpenTemplate{raw, 0, loc});
          return scan_template_text(loc, /*first=*/true);
        }
        return fail(loc, "illegal $ character");
      case '{':
        if (!templates_.empty()) ++templates_.back().depth;
        return single(TokenKind::LBrace, start, loc);
      case '}':
        if (!templates_.empty()) {
          if (templates_.back().depth == 0) {
            single(TokenKind::RBrace, start, loc);
            gap_space_ = false;
            gap_newline_ = false;
            return scan_template_text(here(), /*first=*/false);
          }
          --templates_.back().depth;
        }
        return single(TokenKind::RBrace, start, loc);
      case '[': return single(TokenKind::LBrack, start, loc);
      case ']': return single(TokenKind::RBrack, start, loc);
      case '(': return single(TokenKind::LParen, start, loc);
      case ')': return single(TokenKind::RParen, start, loc);
      case ',': return single(TokenKind::Comma, start, loc);
      case ';': return single(TokenKind::Semicolon, start, loc);
      case '.': return single(TokenKind::Dot, start, loc);
      case '+': return single(TokenKind::Plus, start, loc);
      case '-': return single(TokenKind::Minus, start, loc);
      case '*': return single(TokenKind::Star, start, loc);
      case '/': return single(TokenKind::Slash, start, loc);
      case '%': return single(TokenKind::Percent, start, loc);
      case '&': return single(TokenKind::Amp, start, loc);
      case '|': return single(TokenKind::Pipe, start, loc);
      case ':': return peek(1) == '=' ? pair(TokenKind::Assign, start, loc) : single(TokenKind::Colon, start, loc);
      case '=': return peek(1) == '=' ? pair(TokenKind::Equal, start, loc) : single(TokenKind::Unify, start, loc);
      case '<': return peek(1) == '=' ? pair(TokenKind::LessEqual, start, loc) : single(TokenKind::Less, start, loc);
      case '>':
        return peek(1) == '=' ? pair(TokenKind::GreaterEqual, start, loc) : single(TokenKind::Greater, start, loc);
      case '!':
        if (peek(1) == '=') return pair(TokenKind::NotEqual, start, loc);
        return fail(loc, "illegal ! character");
      default: break;
    }
    if (c == '\0') return fail(loc, "illegal null character");
    if (static_cast<unsigned char>(c) >= 0x80 && utf8_sequence_length(text_, pos_) == 0) {
      return fail(loc, "illegal utf-8 character");
    }
    const size_t n = static_cast<unsigned char>(c) >= 0x80 ? utf8_sequence_length(text_, pos_) : 1;
    return fail(loc, "illegal token: unexpected character '" + std::string(text_.substr(pos_, n)) + "'");
  }

  bool single(TokenKind kind, size_t start, Location loc) {
    advance();
    push(kind, start, loc);
    return true;
  }

  bool pair(TokenKind kind, size_t start, Location loc) {
    advance(2);
    push(kind, start, loc);
    return true;
  }

  bool scan_number(size_t start, Location loc) {
    while (is_digit(peek())) advance();
    if (peek() == '.' && is_digit(peek(1))) {
      advance();
      while (is_digit(peek())) advance();
    } else if (peek() == '.' && !is_letter(peek(1))) {
      // `1.` followed by neither digits nor a name (a name would be a ref
      // operand, which the parser rejects with a clearer message).
      advance();
      return fail(here(), "expected fraction");
    }
    if (peek() == 'e' || peek() == 'E') {
      advance();
      if (peek() == '+' || peek() == '-') advance();
      if (!is_digit(peek())) return fail(here(), "expected exponent");
      while (is_digit(peek())) advance();
    }
    if (is_letter(peek())) return fail(loc, "illegal number format");
    push(TokenKind::Number, start, loc);
    return true;
  }

  bool scan_string(size_t start, Location loc) {
    advance();  // opening quote
    while (true) {
      if (pos_ >= text_.size() || text_[pos_] == '\n') return fail(loc, "non-terminated string");
      const char c = text_[pos_];
      if (c == '"') {
        advance();
        break;
      }
      if (c == '\\') {
        advance();
        if (pos_ >= text_.size() || text_[pos_] == '\n') return fail(loc, "non-terminated string");
      }
      if (!check_char_in_text()) return false;
    }
    push(TokenKind::String, start, loc);
    return true;
  }

  bool scan_raw_string(size_t start, Location loc) {
    advance();  // opening backquote
    while (true) {
      if (pos_ >= text_.size()) return fail(loc, "non-terminated string");
      if (text_[pos_] == '`') {
        advance();
        break;
      }
      if (!check_char_in_text()) return false;
    }
    push(TokenKind::RawString, start, loc);
    return true;
  }

  // Scans template text up to the closing quote (popping the template) or an
  // unescaped `{` (an embedded expression follows).
  bool scan_template_text(Location loc, bool first) {
    OpenTemplate& open = templates_.back();
    const char quote = open.raw ? '`' : '"';
    const size_t start = pos_;
    bool last = false;
    while (true) {
      if (pos_ >= text_.size() || (!open.raw && text_[pos_] == '\n')) {
        return fail(open.start, "non-terminated template string");
      }
      const char c = text_[pos_];
      if (c == quote) {
        last = true;
        break;
      }
      if (c == '{') break;
      if (c == '\\') {
        advance();
        if (pos_ >= text_.size()) return fail(open.start, "non-terminated template string");
        if (!open.raw && text_[pos_] == '\n') return fail(open.start, "non-terminated template string");
        if (open.raw && text_[pos_] != '{') continue;  // a lone backslash is literal text
      }
      if (!check_char_in_text()) return false;
    }
    Token t;
    t.kind = TokenKind::TemplateText;
    t.text = text_.substr(start, pos_ - start);
    t.loc = loc;
    t.offset = static_cast<uint32_t>(start);
    t.space_before = gap_space_ || tokens_->empty();
    t.newline_before = gap_newline_;
    t.template_raw = open.raw;
    t.template_first = first;
    t.template_last = last;
    advance();  // the closing quote or the `{`
    tokens_->push_back(t);
    if (last) templates_.pop_back();
    return true;
  }

  std::string_view text_;
  std::string_view file_;
  std::vector<Token>* tokens_;
  std::vector<Error>* errors_;
  std::vector<Comment>* comments_;
  size_t pos_ = 0;
  uint32_t line_ = 1;
  uint32_t col_ = 1;
  bool gap_space_ = false;
  bool gap_newline_ = false;
  std::vector<OpenTemplate> templates_;
};

}  // namespace

bool tokenize(std::string_view text, std::string_view file, std::vector<Token>* tokens, std::vector<Error>* errors,
              std::vector<Comment>* comments) {
  tokens->clear();
  tokens->reserve(text.size() / 3 + 1);
  return Lexer(text, file, tokens, errors, comments).run();
}

bool decode_string_token(const Token& token, std::string* out, std::string* error) {
  const std::string_view inner = token.text.substr(1, token.text.size() - 2);
  if (token.kind == TokenKind::RawString) {
    out->assign(inner);
    return true;
  }
  return decode_escapes(inner, /*brace_escape=*/false, out, error);
}

bool decode_template_text(const Token& token, std::string* out, std::string* error) {
  if (!token.template_raw) return decode_escapes(token.text, /*brace_escape=*/true, out, error);
  out->clear();
  for (size_t i = 0; i < token.text.size(); ++i) {
    if (token.text[i] == '\\' && i + 1 < token.text.size() && token.text[i + 1] == '{') ++i;
    out->push_back(token.text[i]);
  }
  return true;
}

std::string_view token_kind_name(TokenKind kind) {
  switch (kind) {
    case TokenKind::End: return "eof";
    case TokenKind::Ident: return "ident";
    case TokenKind::Number: return "number";
    case TokenKind::String:
    case TokenKind::RawString: return "string";
    case TokenKind::TemplateText: return "template-string";
    case TokenKind::LBrack: return "[";
    case TokenKind::RBrack: return "]";
    case TokenKind::LBrace: return "{";
    case TokenKind::RBrace: return "}";
    case TokenKind::LParen: return "(";
    case TokenKind::RParen: return ")";
    case TokenKind::Comma: return ",";
    case TokenKind::Colon: return ":";
    case TokenKind::Semicolon: return ";";
    case TokenKind::Dot: return ".";
    case TokenKind::Assign: return ":=";
    case TokenKind::Unify: return "=";
    case TokenKind::Equal: return "==";
    case TokenKind::NotEqual: return "!=";
    case TokenKind::Less: return "<";
    case TokenKind::LessEqual: return "<=";
    case TokenKind::Greater: return ">";
    case TokenKind::GreaterEqual: return ">=";
    case TokenKind::Plus: return "+";
    case TokenKind::Minus: return "-";
    case TokenKind::Star: return "*";
    case TokenKind::Slash: return "/";
    case TokenKind::Percent: return "%";
    case TokenKind::Amp: return "&";
    case TokenKind::Pipe: return "|";
  }
  return "?";
}

}  // namespace tollgate::rego
