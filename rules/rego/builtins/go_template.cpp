#include "rules/rego/builtins/go_template.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <memory>
#include <stdexcept>
#include <utility>
#include <vector>

#include "rules/rego/builtins/sprintf.h"
#include "rules/rego/number.h"

namespace tollgate::rego {

using value::Value;

namespace {

struct TemplateError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

[[noreturn]] void fail(int line, const std::string& message) {
  throw TemplateError("template: template:" + std::to_string(line) + ": " + message);
}

// ---------------------------------------------------------------------------
// Values: the decoded JSON data (Go's map[string]any, []any, json.Number,
// string, bool, nil) plus what the template itself makes (ints, floats,
// strings, booleans).

struct TVal {
  enum class K { Missing, Data, Int, Float, Str, Bool };
  K k = K::Missing;
  Value data;
  int64_t i = 0;
  double f = 0;
  std::string s;
  bool b = false;

  static TVal of_data(Value v) { TVal t; t.k = K::Data; t.data = std::move(v); return t; }
  static TVal of_int(int64_t i) { TVal t; t.k = K::Int; t.i = i; return t; }
  static TVal of_float(double f) { TVal t; t.k = K::Float; t.f = f; return t; }
  static TVal of_str(std::string s) { TVal t; t.k = K::Str; t.s = std::move(s); return t; }
  static TVal of_bool(bool b) { TVal t; t.k = K::Bool; t.b = b; return t; }
  static TVal nil() { return of_data(Value::null()); }

  bool is_nil() const { return k == K::Data && data.is_null(); }
  // Go's reflect.String kind: strings and json.Number.
  bool stringish() const { return k == K::Str || (k == K::Data && (data.is_string() || data.is_number())); }
  std::string string_text() const {
    if (k == K::Str) return s;
    return data.is_string() ? data.as_string() : number_text(data);
  }
  bool boolish() const { return k == K::Bool || (k == K::Data && data.is_bool()); }
  bool bool_value() const { return k == K::Bool ? b : data.as_bool(); }
};

std::string go_type_name(const TVal& v) {
  switch (v.k) {
    case TVal::K::Missing: return "<nil>";
    case TVal::K::Int: return "int";
    case TVal::K::Float: return "float64";
    case TVal::K::Str: return "string";
    case TVal::K::Bool: return "bool";
    case TVal::K::Data: break;
  }
  const Value& d = v.data;
  if (d.is_null()) return "<nil>";
  if (d.is_bool()) return "bool";
  if (d.is_number()) return "json.Number";
  if (d.is_string()) return "string";
  if (d.is_array()) return "[]interface {}";
  return "map[string]interface {}";
}

bool truth(const TVal& v) {
  switch (v.k) {
    case TVal::K::Missing: return false;
    case TVal::K::Int: return v.i != 0;
    case TVal::K::Float: return v.f != 0;
    case TVal::K::Str: return !v.s.empty();
    case TVal::K::Bool: return v.b;
    case TVal::K::Data: break;
  }
  const Value& d = v.data;
  if (d.is_null()) return false;
  if (d.is_bool()) return d.as_bool();
  if (d.is_string()) return !d.as_string().empty();
  if (d.is_number()) return true;  // a json.Number is a non-empty string
  return d.size() > 0;
}

// fmt's %v of decoded JSON.
void append_go_value(const Value& d, std::string& out) {
  if (d.is_null()) {
    out += "<nil>";
  } else if (d.is_bool()) {
    out += d.as_bool() ? "true" : "false";
  } else if (d.is_number()) {
    out += number_text(d);
  } else if (d.is_string()) {
    out += d.as_string();
  } else if (d.is_array() || d.is_set()) {
    out.push_back('[');
    bool first = true;
    for (const Value& item : d.items()) {
      if (!first) out.push_back(' ');
      append_go_value(item, out);
      first = false;
    }
    out.push_back(']');
  } else if (d.is_object()) {
    out += "map[";
    bool first = true;
    for (const auto& [key, item] : d.entries()) {
      if (!first) out.push_back(' ');
      append_go_value(key, out);
      out.push_back(':');
      append_go_value(item, out);
      first = false;
    }
    out.push_back(']');
  }
}

void append_printed(const TVal& v, std::string& out) {
  switch (v.k) {
    case TVal::K::Missing: out += "<undefined>"; return;
    case TVal::K::Int: out += std::to_string(v.i); return;
    case TVal::K::Float: out += go_format_float(v.f, 'g', -1); return;
    case TVal::K::Str: out += v.s; return;
    case TVal::K::Bool: out += v.b ? "true" : "false"; return;
    case TVal::K::Data:
      if (v.data.is_null()) {
        out += "<no value>";
      } else {
        append_go_value(v.data, out);
      }
      return;
  }
}

// ---------------------------------------------------------------------------
// Lexing

enum class Tok { Dot, Field, Var, Ident, String, Number, LParen, RParen, Pipe, Declare, Assign, Comma };

struct Token {
  Tok kind;
  std::string text;  // field/var/ident name, string value, number text
};

std::string unquote_go_string(std::string_view body, int line) {
  std::string out;
  for (size_t i = 0; i < body.size(); ++i) {
    char c = body[i];
    if (c != '\\') {
      out.push_back(c);
      continue;
    }
    if (++i >= body.size()) fail(line, "unterminated quoted string");
    switch (body[i]) {
      case 'n': out.push_back('\n'); break;
      case 't': out.push_back('\t'); break;
      case 'r': out.push_back('\r'); break;
      case 'a': out.push_back('\a'); break;
      case 'b': out.push_back('\b'); break;
      case 'f': out.push_back('\f'); break;
      case 'v': out.push_back('\v'); break;
      case '\\': out.push_back('\\'); break;
      case '"': out.push_back('"'); break;
      case '\'': out.push_back('\''); break;
      default: fail(line, "invalid syntax");
    }
  }
  return out;
}

bool ident_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
}

std::vector<Token> lex_action(std::string_view a, int line) {
  std::vector<Token> out;
  size_t i = 0;
  while (i < a.size()) {
    char c = a[i];
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
      ++i;
    } else if (c == '.') {
      size_t j = i + 1;
      while (j < a.size() && ident_char(a[j])) ++j;
      if (j == i + 1) {
        out.push_back({Tok::Dot, "."});
      } else {
        out.push_back({Tok::Field, std::string(a.substr(i + 1, j - i - 1))});
      }
      i = j;
    } else if (c == '$') {
      size_t j = i + 1;
      while (j < a.size() && ident_char(a[j])) ++j;
      out.push_back({Tok::Var, std::string(a.substr(i, j - i))});
      i = j;
    } else if (c == '"') {
      size_t j = i + 1;
      while (j < a.size() && a[j] != '"') j += a[j] == '\\' ? 2 : 1;
      if (j >= a.size()) fail(line, "unterminated quoted string");
      out.push_back({Tok::String, unquote_go_string(a.substr(i + 1, j - i - 1), line)});
      i = j + 1;
    } else if (c == '`') {
      size_t j = a.find('`', i + 1);
      if (j == std::string_view::npos) fail(line, "unterminated raw quoted string");
      out.push_back({Tok::String, std::string(a.substr(i + 1, j - i - 1))});
      i = j + 1;
    } else if ((c >= '0' && c <= '9') || ((c == '-' || c == '+') && i + 1 < a.size() && a[i + 1] >= '0' && a[i + 1] <= '9')) {
      size_t j = i + 1;
      while (j < a.size() && (ident_char(a[j]) || a[j] == '.' ||
                              ((a[j] == '+' || a[j] == '-') && (a[j - 1] == 'e' || a[j - 1] == 'E')))) {
        ++j;
      }
      out.push_back({Tok::Number, std::string(a.substr(i, j - i))});
      i = j;
    } else if (ident_char(c)) {
      size_t j = i;
      while (j < a.size() && ident_char(a[j])) ++j;
      out.push_back({Tok::Ident, std::string(a.substr(i, j - i))});
      i = j;
    } else if (c == '(') {
      out.push_back({Tok::LParen, "("});
      ++i;
    } else if (c == ')') {
      out.push_back({Tok::RParen, ")"});
      ++i;
    } else if (c == '|') {
      out.push_back({Tok::Pipe, "|"});
      ++i;
    } else if (c == ',') {
      out.push_back({Tok::Comma, ","});
      ++i;
    } else if (c == ':' && i + 1 < a.size() && a[i + 1] == '=') {
      out.push_back({Tok::Declare, ":="});
      i += 2;
    } else if (c == '=') {
      out.push_back({Tok::Assign, "="});
      ++i;
    } else {
      fail(line, std::string("unexpected \"") + c + "\" in command");
    }
  }
  return out;
}

// ---------------------------------------------------------------------------
// The parse tree

struct Pipeline;

struct Operand {
  enum class K { Dot, Field, Var, Literal, Func, Sub };
  K k = K::Dot;
  std::string name;                 // variable or function name
  std::vector<std::string> fields;  // field chain applied to the operand
  TVal literal;
  std::shared_ptr<Pipeline> sub;
};

struct Command {
  std::vector<Operand> args;
};

struct Pipeline {
  std::vector<std::string> vars;  // declared or assigned variables
  bool assign = false;            // `=` rather than `:=`
  std::vector<Command> cmds;
  int line = 1;
};

struct TNode {
  enum class K { Text, Action, If, Range, With };
  K k = K::Text;
  std::string text;
  Pipeline pipe;
  std::vector<TNode> list;
  std::vector<TNode> else_list;
};

struct Segment {
  bool action = false;
  std::string text;  // literal text, or the action's inside
  int line = 1;
};

std::vector<Segment> split_segments(std::string_view t) {
  std::vector<Segment> out;
  int line = 1;
  size_t i = 0;
  bool trim_next = false;
  auto is_space = [](char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; };
  while (i <= t.size()) {
    size_t open = t.find("{{", i);
    std::string text(t.substr(i, open == std::string_view::npos ? std::string_view::npos : open - i));
    if (trim_next) {
      size_t k = 0;
      while (k < text.size() && is_space(text[k])) ++k;
      text.erase(0, k);
    }
    bool trim_before = open != std::string_view::npos && open + 3 < t.size() && t[open + 2] == '-' && is_space(t[open + 3]);
    if (trim_before) {
      while (!text.empty() && is_space(text.back())) text.pop_back();
    }
    if (!text.empty()) out.push_back({false, text, line});
    line += static_cast<int>(std::count(t.begin() + static_cast<std::ptrdiff_t>(i),
                                        open == std::string_view::npos ? t.end() : t.begin() + static_cast<std::ptrdiff_t>(open),
                                        '\n'));
    if (open == std::string_view::npos) break;
    size_t start = open + 2 + (trim_before ? 2 : 0);
    // Find the closing braces outside string literals.
    size_t j = start;
    char quote = 0;
    for (; j + 1 < t.size(); ++j) {
      char c = t[j];
      if (quote) {
        if (c == '\\' && quote == '"') {
          ++j;
        } else if (c == quote) {
          quote = 0;
        }
        continue;
      }
      if (c == '"' || c == '`') {
        quote = c;
      } else if (c == '}' && t[j + 1] == '}') {
        break;
      }
    }
    if (j + 1 >= t.size()) fail(line, "unclosed action");
    size_t inner_end = j;
    trim_next = inner_end >= start + 2 && t[inner_end - 1] == '-' && is_space(t[inner_end - 2]);
    if (trim_next) inner_end -= 2;
    std::string inner(t.substr(start, inner_end - start));
    out.push_back({true, inner, line});
    line += static_cast<int>(std::count(inner.begin(), inner.end(), '\n'));
    i = j + 2;
  }
  return out;
}

class Parser {
 public:
  explicit Parser(std::vector<Segment> segments) : segs_(std::move(segments)) {}

  std::vector<TNode> parse() {
    std::vector<TNode> list;
    std::string end = parse_list(list);
    if (!end.empty()) fail(line_, "unexpected {{" + end + "}}");
    return list;
  }

 private:
  // Parses nodes until {{end}} or {{else...}}; returns "end", "else" or ""
  // (end of input). For else, else_tokens_ holds the rest after `else`.
  std::string parse_list(std::vector<TNode>& list) {
    while (pos_ < segs_.size()) {
      const Segment& seg = segs_[pos_++];
      line_ = seg.line;
      if (!seg.action) {
        TNode n;
        n.text = seg.text;
        list.push_back(std::move(n));
        continue;
      }
      std::string_view inner = seg.text;
      size_t a = inner.find_first_not_of(" \t\r\n");
      if (a != std::string_view::npos && inner.substr(a).starts_with("/*")) continue;  // comment
      std::vector<Token> toks = lex_action(inner, seg.line);
      if (toks.empty()) fail(seg.line, "missing value for command");
      if (toks[0].kind == Tok::Ident) {
        const std::string& word = toks[0].text;
        if (word == "end") return "end";
        if (word == "else") {
          else_tokens_.assign(toks.begin() + 1, toks.end());
          return "else";
        }
        if (word == "if" || word == "range" || word == "with") {
          list.push_back(parse_control(word, std::vector<Token>(toks.begin() + 1, toks.end())));
          continue;
        }
        if (word == "define" || word == "template" || word == "block" || word == "break" || word == "continue") {
          fail(seg.line, "{{" + word + "}} is not supported by strings.render_template");
        }
      }
      TNode n;
      n.k = TNode::K::Action;
      n.pipe = parse_pipeline(toks, seg.line, false);
      list.push_back(std::move(n));
    }
    return "";
  }

  TNode parse_control(const std::string& word, std::vector<Token> toks) {
    TNode n;
    n.k = word == "if" ? TNode::K::If : word == "range" ? TNode::K::Range : TNode::K::With;
    int line = line_;
    n.pipe = parse_pipeline(toks, line, word == "range");
    std::string end = parse_list(n.list);
    if (end.empty()) fail(line, "unexpected EOF");
    if (end == "else") {
      std::vector<Token> rest = std::move(else_tokens_);
      if (!rest.empty() && rest[0].kind == Tok::Ident && (rest[0].text == "if" || rest[0].text == "with") &&
          n.k != TNode::K::Range) {
        // {{else if ...}} / {{else with ...}}: a nested control that shares our {{end}}.
        n.else_list.push_back(parse_control(rest[0].text, std::vector<Token>(rest.begin() + 1, rest.end())));
        return n;
      }
      if (!rest.empty()) fail(line_, "unexpected token in else");
      end = parse_list(n.else_list);
      if (end != "end") fail(line, "expected end; found " + (end.empty() ? std::string("EOF") : end));
    }
    return n;
  }

  Pipeline parse_pipeline(const std::vector<Token>& toks, int line, bool range) {
    Pipeline p;
    p.line = line;
    size_t i = 0;
    // Declarations: $x := ..., $i, $v := ..., $x = ...
    size_t k = 0;
    std::vector<std::string> vars;
    while (k < toks.size() && toks[k].kind == Tok::Var) {
      vars.push_back(toks[k].text);
      if (k + 1 < toks.size() && toks[k + 1].kind == Tok::Comma && range && vars.size() == 1) {
        k += 2;
        continue;
      }
      ++k;
      break;
    }
    if (!vars.empty() && k < toks.size() && (toks[k].kind == Tok::Declare || toks[k].kind == Tok::Assign)) {
      p.vars = vars;
      p.assign = toks[k].kind == Tok::Assign;
      i = k + 1;
    }
    parse_commands(toks, i, toks.size(), p, line);
    if (p.cmds.empty()) fail(line, "missing value for command");
    return p;
  }

  void parse_commands(const std::vector<Token>& toks, size_t i, size_t end, Pipeline& p, int line) {
    Command cmd;
    while (i < end) {
      if (toks[i].kind == Tok::Pipe) {
        if (cmd.args.empty()) fail(line, "missing command");
        p.cmds.push_back(std::move(cmd));
        cmd = Command{};
        ++i;
        continue;
      }
      cmd.args.push_back(parse_operand(toks, i, end, line));
    }
    if (cmd.args.empty()) {
      if (!p.cmds.empty()) fail(line, "missing command");
      return;
    }
    p.cmds.push_back(std::move(cmd));
  }

  Operand parse_operand(const std::vector<Token>& toks, size_t& i, size_t end, int line) {
    Operand op;
    const Token& t = toks[i++];
    switch (t.kind) {
      case Tok::Dot: op.k = Operand::K::Dot; break;
      case Tok::Field:
        op.k = Operand::K::Field;
        op.fields.push_back(t.text);
        break;
      case Tok::Var:
        op.k = Operand::K::Var;
        op.name = t.text;
        break;
      case Tok::String:
        op.k = Operand::K::Literal;
        op.literal = TVal::of_str(t.text);
        break;
      case Tok::Number: op.k = Operand::K::Literal; op.literal = number_literal(t.text, line); break;
      case Tok::Ident:
        op.k = Operand::K::Literal;
        if (t.text == "true" || t.text == "false") {
          op.literal = TVal::of_bool(t.text == "true");
        } else if (t.text == "nil") {
          op.literal = TVal::nil();
        } else {
          op.k = Operand::K::Func;
          op.name = t.text;
          static const char* kFunctions[] = {"and", "or", "not", "eq", "ne", "lt", "le", "gt", "ge",
                                             "len", "index", "print", "println"};
          if (std::find_if(std::begin(kFunctions), std::end(kFunctions),
                           [&](const char* f) { return t.text == f; }) == std::end(kFunctions)) {
            fail(line, "function \"" + t.text + "\" not defined");
          }
        }
        break;
      case Tok::LParen: {
        int depth = 1;
        size_t j = i;
        for (; j < end; ++j) {
          if (toks[j].kind == Tok::LParen) ++depth;
          if (toks[j].kind == Tok::RParen && --depth == 0) break;
        }
        if (j >= end) fail(line, "unclosed left paren");
        op.k = Operand::K::Sub;
        op.sub = std::make_shared<Pipeline>();
        op.sub->line = line;
        parse_commands(toks, i, j, *op.sub, line);
        if (op.sub->cmds.empty()) fail(line, "missing value for parenthesized pipeline");
        i = j + 1;
        break;
      }
      default: fail(line, "unexpected \"" + t.text + "\" in operand");
    }
    while (i < end && toks[i].kind == Tok::Field && op.k != Operand::K::Func && op.k != Operand::K::Literal) {
      op.fields.push_back(toks[i++].text);
    }
    return op;
  }

  static TVal number_literal(const std::string& text, int line) {
    int64_t i = 0;
    auto r = std::from_chars(text.data() + (text[0] == '+' ? 1 : 0), text.data() + text.size(), i);
    if (r.ec == std::errc() && r.ptr == text.data() + text.size()) return TVal::of_int(i);
    char* end = nullptr;
    double d = std::strtod(text.c_str(), &end);
    if (end != text.c_str() + text.size()) fail(line, "bad number syntax: \"" + text + "\"");
    return TVal::of_float(d);
  }

  std::vector<Segment> segs_;
  size_t pos_ = 0;
  int line_ = 1;
  std::vector<Token> else_tokens_;
};

// ---------------------------------------------------------------------------
// Execution

class Executor {
 public:
  Executor(const Value& data, std::string& out) : out_(out) {
    vars_.emplace_back("$", TVal::of_data(data));
  }

  void run(const std::vector<TNode>& list, const TVal& dot) {
    for (const TNode& n : list) run_node(n, dot);
  }

 private:
  void run_node(const TNode& n, const TVal& dot) {
    switch (n.k) {
      case TNode::K::Text: out_ += n.text; return;
      case TNode::K::Action: {
        TVal v = eval_pipeline(n.pipe, dot);
        if (n.pipe.vars.empty()) append_printed(v, out_);
        return;
      }
      case TNode::K::If:
      case TNode::K::With: {
        size_t mark = vars_.size();
        TVal v = eval_pipeline(n.pipe, dot);
        if (truth(v)) {
          run(n.list, n.k == TNode::K::With ? v : dot);
        } else {
          run(n.else_list, dot);
        }
        vars_.resize(mark);
        return;
      }
      case TNode::K::Range: run_range(n, dot); return;
    }
  }

  void run_range(const TNode& n, const TVal& dot) {
    size_t mark = vars_.size();
    Pipeline pipe = n.pipe;
    std::vector<std::string> names = pipe.vars;
    pipe.vars.clear();
    TVal v = eval_pipeline(pipe, dot);
    auto iterate = [&](const TVal& key, const TVal& elem) {
      size_t inner = vars_.size();
      if (names.size() == 1) vars_.emplace_back(names[0], elem);
      if (names.size() == 2) {
        vars_.emplace_back(names[0], key);
        vars_.emplace_back(names[1], elem);
      }
      run(n.list, elem);
      vars_.resize(inner);
    };
    size_t count = 0;
    if (v.k == TVal::K::Int) {
      for (int64_t i = 0; i < v.i; ++i, ++count) iterate(TVal::of_int(i), TVal::of_int(i));
    } else if (v.k == TVal::K::Data && (v.data.is_array() || v.data.is_set())) {
      const auto& items = v.data.items();
      for (size_t i = 0; i < items.size(); ++i, ++count) {
        iterate(TVal::of_int(static_cast<int64_t>(i)), TVal::of_data(items[i]));
      }
    } else if (v.k == TVal::K::Data && v.data.is_object()) {
      for (const auto& [key, item] : v.data.entries()) {
        iterate(TVal::of_data(key), TVal::of_data(item));
        ++count;
      }
    } else if (!(v.k == TVal::K::Missing || v.is_nil())) {
      fail(n.pipe.line, "executing \"template\": range can't iterate over " + printed(v));
    }
    if (count == 0) run(n.else_list, dot);
    vars_.resize(mark);
  }

  static std::string printed(const TVal& v) {
    std::string s;
    append_printed(v, s);
    return s;
  }

  TVal* find_var(const std::string& name) {
    for (auto it = vars_.rbegin(); it != vars_.rend(); ++it) {
      if (it->first == name) return &it->second;
    }
    return nullptr;
  }

  TVal eval_pipeline(const Pipeline& p, const TVal& dot) {
    TVal v;
    bool have = false;
    for (const Command& cmd : p.cmds) {
      v = eval_command(cmd, dot, have ? &v : nullptr, p.line);
      have = true;
    }
    for (const std::string& name : p.vars) {
      if (p.assign) {
        TVal* existing = find_var(name);
        if (existing == nullptr) fail(p.line, "undefined variable: " + name);
        *existing = v;
      } else {
        vars_.emplace_back(name, v);
      }
    }
    return v;
  }

  TVal field(const TVal& receiver, const std::string& name, int line) {
    if (receiver.k == TVal::K::Missing) return receiver;
    if (receiver.k == TVal::K::Data && receiver.data.is_object()) {
      const Value* found = receiver.data.find(name);
      return found ? TVal::of_data(*found) : TVal{};
    }
    if (receiver.is_nil()) fail(line, "executing \"template\": nil pointer evaluating interface {}." + name);
    fail(line, "executing \"template\": can't evaluate field " + name + " in type " + go_type_name(receiver));
  }

  TVal eval_operand(const Operand& op, const TVal& dot, int line) {
    TVal v;
    switch (op.k) {
      case Operand::K::Dot:
      case Operand::K::Field: v = dot; break;
      case Operand::K::Var: {
        TVal* found = find_var(op.name);
        if (found == nullptr) fail(line, "undefined variable \"" + op.name + "\"");
        v = *found;
        break;
      }
      case Operand::K::Literal: return op.literal;
      case Operand::K::Sub: v = eval_pipeline(*op.sub, dot); break;
      case Operand::K::Func: fail(line, "function \"" + op.name + "\" used as a value");
    }
    for (const std::string& f : op.fields) v = field(v, f, line);
    return v;
  }

  TVal eval_command(const Command& cmd, const TVal& dot, const TVal* piped, int line) {
    const Operand& first = cmd.args[0];
    if (first.k != Operand::K::Func) {
      if (cmd.args.size() > 1 || piped != nullptr) fail(line, "can't give argument to non-function");
      return eval_operand(first, dot, line);
    }
    const std::string& fn = first.name;
    // and/or evaluate their arguments lazily.
    if (fn == "and" || fn == "or") {
      size_t n = cmd.args.size() - 1 + (piped ? 1 : 0);
      if (n < 1) fail(line, "wrong number of args for " + fn + ": want at least 1 got 0");
      TVal v;
      for (size_t i = 1; i <= n; ++i) {
        v = i < cmd.args.size() ? eval_operand(cmd.args[i], dot, line) : *piped;
        if (truth(v) == (fn == "or")) return v;
      }
      return v;
    }
    std::vector<TVal> args;
    for (size_t i = 1; i < cmd.args.size(); ++i) args.push_back(eval_operand(cmd.args[i], dot, line));
    if (piped != nullptr) args.push_back(*piped);
    return call(fn, args, line);
  }

  static void want_args(const std::string& fn, const std::vector<TVal>& args, size_t n, int line) {
    if (args.size() != n) {
      fail(line, "wrong number of args for " + fn + ": want " + std::to_string(n) + " got " +
                     std::to_string(args.size()));
    }
  }

  // -1, 0, 1 for the basic kinds Go's eq/lt compare; fails otherwise.
  static int compare_basic(const TVal& a, const TVal& b, const std::string& fn, int line) {
    if (a.stringish() && b.stringish()) {
      std::string x = a.string_text(), y = b.string_text();
      return x < y ? -1 : x > y ? 1 : 0;
    }
    if (a.k == TVal::K::Int && b.k == TVal::K::Int) return a.i < b.i ? -1 : a.i > b.i ? 1 : 0;
    if (a.k == TVal::K::Float && b.k == TVal::K::Float) return a.f < b.f ? -1 : a.f > b.f ? 1 : 0;
    if (a.boolish() && b.boolish() && (fn == "eq" || fn == "ne")) return a.bool_value() == b.bool_value() ? 0 : 1;
    if (a.boolish() || b.boolish() || a.is_nil() || b.is_nil() || a.k == TVal::K::Missing || b.k == TVal::K::Missing) {
      fail(line, "error calling " + fn + ": invalid type for comparison");
    }
    fail(line, "error calling " + fn + ": incompatible types for comparison");
  }

  TVal call(const std::string& fn, const std::vector<TVal>& args, int line) {
    if (fn == "not") {
      want_args(fn, args, 1, line);
      return TVal::of_bool(!truth(args[0]));
    }
    if (fn == "eq") {
      if (args.empty()) fail(line, "wrong number of args for eq: want at least 1 got 0");
      for (size_t i = 1; i < args.size(); ++i) {
        if (compare_basic(args[0], args[i], fn, line) == 0) return TVal::of_bool(true);
      }
      return TVal::of_bool(false);
    }
    if (fn == "ne" || fn == "lt" || fn == "le" || fn == "gt" || fn == "ge") {
      want_args(fn, args, 2, line);
      int c = compare_basic(args[0], args[1], fn, line);
      bool r = fn == "ne" ? c != 0 : fn == "lt" ? c < 0 : fn == "le" ? c <= 0 : fn == "gt" ? c > 0 : c >= 0;
      return TVal::of_bool(r);
    }
    if (fn == "len") {
      want_args(fn, args, 1, line);
      const TVal& a = args[0];
      if (a.stringish()) return TVal::of_int(static_cast<int64_t>(a.string_text().size()));
      if (a.k == TVal::K::Data && (a.data.is_array() || a.data.is_object() || a.data.is_set())) {
        return TVal::of_int(static_cast<int64_t>(a.data.size()));
      }
      fail(line, "error calling len: len of type " + go_type_name(a));
    }
    if (fn == "index") {
      if (args.empty()) fail(line, "wrong number of args for index: want at least 1 got 0");
      TVal v = args[0];
      for (size_t i = 1; i < args.size(); ++i) {
        const TVal& key = args[i];
        if (v.k == TVal::K::Data && v.data.is_array()) {
          if (key.k != TVal::K::Int) fail(line, "error calling index: cannot index slice/array with type " + go_type_name(key));
          if (key.i < 0 || static_cast<size_t>(key.i) >= v.data.size()) {
            fail(line, "error calling index: index out of range: " + std::to_string(key.i));
          }
          v = TVal::of_data(v.data.items()[static_cast<size_t>(key.i)]);
        } else if (v.k == TVal::K::Data && v.data.is_object()) {
          if (!key.stringish()) fail(line, "error calling index: value has type " + go_type_name(key) + "; should be string");
          const Value* found = v.data.find(key.string_text());
          v = found ? TVal::of_data(*found) : TVal::nil();
        } else {
          fail(line, "error calling index: can't index item of type " + go_type_name(v));
        }
      }
      return v;
    }
    // print / println: fmt.Sprint / fmt.Sprintln.
    std::string s;
    for (size_t i = 0; i < args.size(); ++i) {
      bool is_string = args[i].stringish();
      if (i > 0 && (fn == "println" || (!is_string && !args[i - 1].stringish()))) s.push_back(' ');
      if (args[i].k == TVal::K::Data && args[i].data.is_null()) {
        s += "<nil>";
      } else {
        append_printed(args[i], s);
      }
    }
    if (fn == "println") s.push_back('\n');
    return TVal::of_str(std::move(s));
  }

  std::string& out_;
  std::vector<std::pair<std::string, TVal>> vars_;
};

}  // namespace

std::optional<std::string> render_go_template(std::string_view text, const Value& data, std::string* error) {
  try {
    std::vector<TNode> tree = Parser(split_segments(text)).parse();
    std::string out;
    Executor exec(data, out);
    exec.run(tree, TVal::of_data(data));
    return out;
  } catch (const TemplateError& e) {
    *error = e.what();
    return std::nullopt;
  }
}

}  // namespace tollgate::rego
