#include "rules/rego/builtins/graphql_lexer.h"

#include <vector>

#include "rules/value/utf8.h"

namespace tollgate::rego::graphql {

std::string token_kind_name(TokenKind kind) {
  switch (kind) {
    case TokenKind::Invalid: return "<Invalid>";
    case TokenKind::Eof: return "<EOF>";
    case TokenKind::Bang: return "!";
    case TokenKind::Dollar: return "$";
    case TokenKind::Amp: return "&";
    case TokenKind::ParenL: return "(";
    case TokenKind::ParenR: return ")";
    case TokenKind::Spread: return "...";
    case TokenKind::Colon: return ":";
    case TokenKind::Equals: return "=";
    case TokenKind::At: return "@";
    case TokenKind::BracketL: return "[";
    case TokenKind::BracketR: return "]";
    case TokenKind::BraceL: return "{";
    case TokenKind::BraceR: return "}";
    case TokenKind::Pipe: return "|";
    case TokenKind::Name: return "Name";
    case TokenKind::Int: return "Int";
    case TokenKind::Float: return "Float";
    case TokenKind::String: return "String";
    case TokenKind::BlockString: return "BlockString";
  }
  return "<Invalid>";
}

namespace {

// Go's strconv.Quote for the printable text that appears in tokens.
std::string go_quote(std::string_view s) {
  std::string out = "\"";
  for (unsigned char c : s) {
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      default:
        if (c < 0x20 || c == 0x7f) {
          static const char* hex = "0123456789abcdef";
          out += "\\x";
          out += hex[c >> 4];
          out += hex[c & 15];
        } else {
          out += static_cast<char>(c);
        }
    }
  }
  return out + "\"";
}

size_t utf8_width(unsigned char lead) {
  if (lead < 0x80) return 1;
  if ((lead >> 5) == 0x6) return 2;
  if ((lead >> 4) == 0xE) return 3;
  if ((lead >> 3) == 0x1E) return 4;
  return 1;
}

bool is_name_start(char c) { return c == '_' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
bool is_digit(char c) { return c >= '0' && c <= '9'; }

}  // namespace

std::string describe_token(const Token& token) {
  switch (token.kind) {
    case TokenKind::Name:
    case TokenKind::Int:
    case TokenKind::Float:
    case TokenKind::String:
    case TokenKind::BlockString:
      return token_kind_name(token.kind) + " " + go_quote(token.value);
    default:
      return token_kind_name(token.kind);
  }
}

Token Lexer::make(TokenKind kind, std::string value, int line, int column) const {
  Token t;
  t.kind = kind;
  t.value = std::move(value);
  t.line = line;
  t.column = column;
  return t;
}

Token Lexer::invalid() { return make(TokenKind::Invalid, "", line_, column_at(runes_)); }

void Lexer::skip_ignored() {
  while (pos_ < input_.size()) {
    char c = input_[pos_];
    if (c == '\t' || c == ' ' || c == ',') {
      advance_byte();
    } else if (c == '\n' || c == '\r') {
      advance_byte();
      if (c == '\r' && pos_ < input_.size() && input_[pos_] == '\n') advance_byte();
      ++line_;
      line_start_runes_ = runes_;
    } else if (c == '#') {
      while (pos_ < input_.size() && input_[pos_] != '\n' && input_[pos_] != '\r') {
        pos_ += utf8_width(static_cast<unsigned char>(input_[pos_]));
        ++runes_;
      }
    } else if (static_cast<unsigned char>(c) == 0xEF && input_.substr(pos_, 3) == "\xEF\xBB\xBF") {
      pos_ += 3;
      ++runes_;
    } else {
      return;
    }
  }
}

Token Lexer::next() {
  skip_ignored();
  int column = column_at(runes_);
  if (pos_ >= input_.size()) return make(TokenKind::Eof, "", line_, column);
  char c = input_[pos_];
  auto punct = [&](TokenKind kind, size_t width) {
    pos_ += width;
    runes_ += width;
    return make(kind, "", line_, column);
  };
  switch (c) {
    case '!': return punct(TokenKind::Bang, 1);
    case '$': return punct(TokenKind::Dollar, 1);
    case '&': return punct(TokenKind::Amp, 1);
    case '(': return punct(TokenKind::ParenL, 1);
    case ')': return punct(TokenKind::ParenR, 1);
    case ':': return punct(TokenKind::Colon, 1);
    case '=': return punct(TokenKind::Equals, 1);
    case '@': return punct(TokenKind::At, 1);
    case '[': return punct(TokenKind::BracketL, 1);
    case ']': return punct(TokenKind::BracketR, 1);
    case '{': return punct(TokenKind::BraceL, 1);
    case '}': return punct(TokenKind::BraceR, 1);
    case '|': return punct(TokenKind::Pipe, 1);
    case '.':
      if (input_.substr(pos_, 3) == "...") return punct(TokenKind::Spread, 3);
      break;
    case '"':
      if (input_.substr(pos_, 3) == "\"\"\"") return read_block_string(column);
      return read_string(column);
    default:
      if (is_name_start(c)) return read_name(column);
      if (c == '-' || is_digit(c)) return read_number(column);
  }
  return invalid();
}

Token Lexer::read_name(int column) {
  size_t start = pos_;
  while (pos_ < input_.size() && (is_name_start(input_[pos_]) || is_digit(input_[pos_]))) advance_byte();
  return make(TokenKind::Name, std::string(input_.substr(start, pos_ - start)), line_, column);
}

Token Lexer::read_number(int column) {
  size_t start = pos_;
  bool is_float = false;
  auto accept_digits = [&] {
    size_t n = 0;
    while (pos_ < input_.size() && is_digit(input_[pos_])) {
      advance_byte();
      ++n;
    }
    return n;
  };
  if (input_[pos_] == '-') advance_byte();
  if (pos_ < input_.size() && input_[pos_] == '0') {
    advance_byte();
    if (pos_ < input_.size() && is_digit(input_[pos_])) return invalid();
  } else if (accept_digits() == 0) {
    return invalid();
  }
  if (pos_ < input_.size() && input_[pos_] == '.') {
    is_float = true;
    advance_byte();
    if (accept_digits() == 0) return invalid();
  }
  if (pos_ < input_.size() && (input_[pos_] == 'e' || input_[pos_] == 'E')) {
    is_float = true;
    advance_byte();
    if (pos_ < input_.size() && (input_[pos_] == '+' || input_[pos_] == '-')) advance_byte();
    if (accept_digits() == 0) return invalid();
  }
  return make(is_float ? TokenKind::Float : TokenKind::Int, std::string(input_.substr(start, pos_ - start)), line_,
              column);
}

Token Lexer::read_string(int column) {
  advance_byte();  // opening quote
  std::string out;
  while (pos_ < input_.size()) {
    unsigned char c = static_cast<unsigned char>(input_[pos_]);
    if (c == '\n' || c == '\r') break;
    if (c < 0x20 && c != '\t') return invalid();
    if (c == '"') {
      advance_byte();
      return make(TokenKind::String, std::move(out), line_, column + 1);  // gqlparser places strings after the quote
    }
    if (c != '\\') {
      size_t w = utf8_width(c);
      out.append(input_.substr(pos_, w));
      pos_ += w;
      ++runes_;
      continue;
    }
    if (pos_ + 1 >= input_.size()) return invalid();
    char escape = input_[pos_ + 1];
    if (escape == 'u') {
      if (pos_ + 6 > input_.size()) return invalid();
      uint32_t cp = 0;
      for (size_t i = 2; i < 6; ++i) {
        char h = input_[pos_ + i];
        cp <<= 4;
        if (h >= '0' && h <= '9') cp |= static_cast<uint32_t>(h - '0');
        else if (h >= 'a' && h <= 'f') cp |= static_cast<uint32_t>(h - 'a' + 10);
        else if (h >= 'A' && h <= 'F') cp |= static_cast<uint32_t>(h - 'A' + 10);
        else return invalid();
      }
      value::append_utf8(cp, out);
      pos_ += 6;
      runes_ += 6;
      continue;
    }
    switch (escape) {
      case '"': case '/': case '\\': out += escape; break;
      case 'b': out += '\b'; break;
      case 'f': out += '\f'; break;
      case 'n': out += '\n'; break;
      case 'r': out += '\r'; break;
      case 't': out += '\t'; break;
      default: return invalid();
    }
    pos_ += 2;
    runes_ += 2;
  }
  return invalid();
}

Token Lexer::read_block_string(int column) {
  int line = line_;
  pos_ += 3;
  runes_ += 3;
  std::string raw;
  while (pos_ < input_.size()) {
    unsigned char c = static_cast<unsigned char>(input_[pos_]);
    if (input_.substr(pos_, 3) == "\"\"\"") {
      pos_ += 3;
      runes_ += 3;
      return make(TokenKind::BlockString, block_string_value(raw), line, column + 3);
    }
    if (c < 0x20 && c != '\t' && c != '\n' && c != '\r') return invalid();
    if (input_.substr(pos_, 4) == "\\\"\"\"") {
      raw += "\"\"\"";
      pos_ += 4;
      runes_ += 4;
    } else if (c == '\n' || c == '\r') {
      advance_byte();
      if (c == '\r' && pos_ < input_.size() && input_[pos_] == '\n') advance_byte();
      raw += '\n';
      ++line_;
      line_start_runes_ = runes_;
    } else {
      size_t w = utf8_width(c);
      raw.append(input_.substr(pos_, w));
      pos_ += w;
      ++runes_;
    }
  }
  return invalid();
}

std::string block_string_value(std::string_view raw) {
  std::vector<std::string_view> lines;
  size_t start = 0;
  for (size_t i = 0; i <= raw.size(); ++i) {
    if (i == raw.size() || raw[i] == '\n') {
      lines.push_back(raw.substr(start, i - start));
      start = i + 1;
    }
  }
  auto indent_of = [](std::string_view line) {
    size_t n = 0;
    while (n < line.size() && (line[n] == ' ' || line[n] == '\t')) ++n;
    return n;
  };
  size_t common = std::string_view::npos;
  for (size_t i = 1; i < lines.size(); ++i) {
    size_t indent = indent_of(lines[i]);
    if (indent < lines[i].size() && indent < common) common = indent;
  }
  if (common != std::string_view::npos) {
    for (size_t i = 1; i < lines.size(); ++i) lines[i] = lines[i].substr(std::min(common, lines[i].size()));
  }
  auto blank = [&](std::string_view line) { return indent_of(line) == line.size(); };
  size_t first = 0, last = lines.size();
  while (first < last && blank(lines[first])) ++first;
  while (last > first && blank(lines[last - 1])) --last;
  std::string out;
  for (size_t i = first; i < last; ++i) {
    if (i > first) out += '\n';
    out.append(lines[i]);
  }
  return out;
}

}  // namespace tollgate::rego::graphql
