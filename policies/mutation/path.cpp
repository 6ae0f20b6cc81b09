#include "policies/mutation/path.h"

#include <utility>

namespace tollgate::policies::mutation {

using value::Value;

namespace {

enum class TokenType { Ident, Int, Separator, LBracket, RBracket, Glob, Colon, End, Error };

struct Token {
  TokenType type = TokenType::End;
  std::string text;     // Ident/Int: the literal; Error: the message
  size_t position = 0;  // where the token starts
};

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }
bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_ident_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || is_digit(c) || c == '_' || c == '-';
}

// Splits a location into tokens the way Gatekeeper's scanner does: a run of
// digits is an integer even when letters follow (so `1abc` is two tokens).
class Scanner {
 public:
  explicit Scanner(std::string_view text) : text_(text) {}

  Token next() {
    while (pos_ < text_.size() && is_space(text_[pos_])) ++pos_;
    Token tok;
    tok.position = pos_;
    if (pos_ >= text_.size()) {
      tok.type = TokenType::End;
      return tok;
    }
    char c = text_[pos_];
    if (is_digit(c)) {
      size_t start = pos_;
      while (pos_ < text_.size() && is_digit(text_[pos_])) ++pos_;
      tok.type = TokenType::Int;
      tok.text = std::string(text_.substr(start, pos_ - start));
      return tok;
    }
    if (is_ident_char(c)) {
      size_t start = pos_;
      while (pos_ < text_.size() && is_ident_char(text_[pos_])) ++pos_;
      tok.type = TokenType::Ident;
      tok.text = std::string(text_.substr(start, pos_ - start));
      return tok;
    }
    switch (c) {
      case '.':
        tok.type = TokenType::Separator;
        break;
      case '[':
        tok.type = TokenType::LBracket;
        break;
      case ']':
        tok.type = TokenType::RBracket;
        break;
      case '*':
        tok.type = TokenType::Glob;
        break;
      case ':':
        tok.type = TokenType::Colon;
        break;
      case '"':
      case '\'':
        return read_string(c);
      default:
        tok.type = TokenType::Error;
        tok.text = "invalid character '" + std::string(1, c) + "'";
        break;
    }
    ++pos_;
    return tok;
  }

 private:
  Token read_string(char quote) {
    Token tok;
    tok.position = pos_;
    ++pos_;
    std::string out;
    while (pos_ < text_.size()) {
      char c = text_[pos_++];
      if (c == quote) {
        tok.type = TokenType::Ident;
        tok.text = std::move(out);
        return tok;
      }
      if (c == '\\') {
        if (pos_ < text_.size()) out.push_back(text_[pos_++]);
        continue;
      }
      out.push_back(c);
    }
    tok.type = TokenType::Error;
    tok.text = "unterminated string";
    return tok;
  }

  std::string_view text_;
  size_t pos_ = 0;
};

std::string describe(const Token& t) {
  switch (t.type) {
    case TokenType::Ident:
      return "name \"" + t.text + "\"";
    case TokenType::Int:
      return "integer " + t.text;
    case TokenType::Separator:
      return "'.'";
    case TokenType::LBracket:
      return "'['";
    case TokenType::RBracket:
      return "']'";
    case TokenType::Glob:
      return "'*'";
    case TokenType::Colon:
      return "':'";
    case TokenType::End:
      return "end of location";
    case TokenType::Error:
      return t.text;
  }
  return "?";
}

// Recursive-descent over a one-token lookahead, mirroring Gatekeeper's
// parser so that exactly the same texts are accepted.
class Parser {
 public:
  explicit Parser(std::string_view text) : scanner_(text) {
    cur_ = scanner_.next();
    peek_ = scanner_.next();
  }

  std::optional<Location> parse(PathError* error) {
    Location out;
    while (cur_.type == TokenType::Ident) {
      out.nodes.push_back(PathNode::object(cur_.text));
      if (peek_.type == TokenType::LBracket) {
        advance();
        if (!parse_list(out)) return fail(error);
      }
      if (peek_.type == TokenType::Separator) {
        advance();
        if (peek_.type == TokenType::End) {
          set_error(cur_.position, "trailing separators are forbidden");
          return fail(error);
        }
        advance();
      } else if (peek_.type == TokenType::End) {
        advance();
      } else {
        unexpected(peek_, "expected '.' or end of location");
        return fail(error);
      }
    }
    if (cur_.type != TokenType::End) {
      unexpected(cur_, "expected a field name");
      return fail(error);
    }
    return out;
  }

 private:
  void advance() {
    cur_ = std::move(peek_);
    peek_ = scanner_.next();
  }

  bool parse_list(Location& out) {
    if (peek_.type != TokenType::Ident) {
      unexpected(peek_, "expected a key field after '['");
      return false;
    }
    advance();
    std::string key = cur_.text;
    if (peek_.type != TokenType::Colon) {
      unexpected(peek_, "expected ':' after key field \"" + key + "\"");
      return false;
    }
    advance();
    PathNode node;
    if (peek_.type == TokenType::Glob) {
      advance();
      node = PathNode::list_glob(std::move(key));
    } else if (peek_.type == TokenType::Ident) {
      advance();
      node = PathNode::list_keyed(std::move(key), cur_.text);
    } else if (peek_.type == TokenType::Int) {
      advance();
      int64_t v = 0;
      for (char d : cur_.text) {
        if (v > (INT64_MAX - (d - '0')) / 10) {
          set_error(cur_.position, "integer key value " + cur_.text + " overflows int64");
          return false;
        }
        v = v * 10 + (d - '0');
      }
      node = PathNode::list_keyed(std::move(key), v);
    } else {
      unexpected(peek_, "expected a key value or '*' after ':'");
      return false;
    }
    if (peek_.type != TokenType::RBracket) {
      unexpected(peek_, "expected ']' to close the list selector");
      return false;
    }
    advance();
    out.nodes.push_back(std::move(node));
    return true;
  }

  void unexpected(const Token& got, const std::string& expectation) {
    if (got.type == TokenType::Error) {
      set_error(got.position, got.text);
    } else {
      set_error(got.position, expectation + ", got " + describe(got));
    }
  }

  void set_error(size_t position, std::string message) {
    error_.position = position;
    error_.message = std::move(message);
  }

  std::optional<Location> fail(PathError* error) {
    if (error != nullptr) *error = error_;
    return std::nullopt;
  }

  Scanner scanner_;
  Token cur_;
  Token peek_;
  PathError error_;
};

// Whether a name can be written without quotes and read back the same.
bool needs_quotes(const std::string& s) {
  if (s.empty() || is_digit(s[0])) return true;
  for (char c : s) {
    if (!is_ident_char(c)) return true;
  }
  return false;
}

void append_name(const std::string& s, std::string& out) {
  if (!needs_quotes(s)) {
    out += s;
    return;
  }
  out.push_back('"');
  for (char c : s) {
    if (c == '"' || c == '\\') out.push_back('\\');
    out.push_back(c);
  }
  out.push_back('"');
}

void append_node(const PathNode& n, bool first, std::string& out) {
  if (n.type == PathNode::Type::Object) {
    if (!first) out.push_back('.');
    append_name(n.name, out);
    return;
  }
  out.push_back('[');
  append_name(n.name, out);
  out += ": ";
  if (n.glob) {
    out.push_back('*');
  } else if (n.integer_key) {
    out += std::to_string(n.key_integer);
  } else {
    append_name(n.key_string, out);
  }
  out.push_back(']');
}

}  // namespace

PathNode PathNode::object(std::string name) {
  PathNode n;
  n.name = std::move(name);
  return n;
}

PathNode PathNode::list_glob(std::string key) {
  PathNode n;
  n.type = Type::List;
  n.name = std::move(key);
  n.glob = true;
  return n;
}

PathNode PathNode::list_keyed(std::string key, std::string value) {
  PathNode n;
  n.type = Type::List;
  n.name = std::move(key);
  n.key_string = std::move(value);
  return n;
}

PathNode PathNode::list_keyed(std::string key, int64_t value) {
  PathNode n;
  n.type = Type::List;
  n.name = std::move(key);
  n.integer_key = true;
  n.key_integer = value;
  return n;
}

bool PathNode::key_matches(const Value& field) const {
  if (integer_key) {
    if (field.is_int()) return field.as_int() == key_integer;
    if (field.is_uint()) return key_integer >= 0 && field.as_uint() == static_cast<uint64_t>(key_integer);
    return false;
  }
  return field.is_string() && field.as_string() == key_string;
}

Value PathNode::key_value() const { return integer_key ? Value::integer(key_integer) : Value::string(key_string); }

bool PathNode::operator==(const PathNode& o) const {
  if (type != o.type || name != o.name) return false;
  if (type == Type::Object) return true;
  if (glob != o.glob) return false;
  if (glob) return true;
  if (integer_key != o.integer_key) return false;
  return integer_key ? key_integer == o.key_integer : key_string == o.key_string;
}

bool Location::is_prefix_of(const Location& other) const {
  if (nodes.size() > other.nodes.size()) return false;
  for (size_t i = 0; i < nodes.size(); ++i) {
    if (nodes[i] != other.nodes[i]) return false;
  }
  return true;
}

std::string Location::prefix_string(size_t count) const {
  std::string out;
  for (size_t i = 0; i < count && i < nodes.size(); ++i) append_node(nodes[i], i == 0, out);
  return out;
}

std::string Location::to_string() const { return prefix_string(nodes.size()); }

std::optional<Location> parse_location(std::string_view text, PathError* error) { return Parser(text).parse(error); }

}  // namespace tollgate::policies::mutation
