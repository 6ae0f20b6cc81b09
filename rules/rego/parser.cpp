#include "rules/rego/parser.h"

#include <algorithm>
#include <array>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <utility>

#include "rules/rego/lexer.h"
#include "rules/rego/number.h"
#include "rules/value/decimal.h"

namespace tollgate::rego {

namespace {

// Deepest nesting of terms and bodies accepted; beyond it the input is
// rejected rather than risking the stack.
constexpr int kMaxNesting = 1000;
// ... and never more stack than this, whatever the frame sizes of the build
// (sanitizers multiply them), so that parsing on any thread (8 MiB stacks by
// default) stays far from overflowing. ASan's redzones make each frame about
// 3.5 times larger, so its build allows 4 MiB and accepts about the same
// nesting as the normal build (1 MiB took 305 levels of `[(` there, 85 under ASan).
#if defined(TOLLGATE_SANITIZE)
constexpr size_t kMaxStackBytes = 4 * 1024 * 1024;
#else
constexpr size_t kMaxStackBytes = 1024 * 1024;
#endif
// Operator chains (a + b + c ...) deepen the tree without deepening the
// parser's recursion; no term may be deeper than this, so that walking or
// destroying the tree stays shallow too.
constexpr int kMaxTermDepth = 1000;

// OPA caps a number literal's binary exponent at 1e5 (about 30103 decimal
// digits) so that formatting stays cheap.
constexpr int64_t kMaxDecimalExponent = 30103;

constexpr std::array<std::string_view, 11> kBaseKeywords = {"package", "import", "as",   "default", "else", "not",
                                                             "with",    "some",   "true", "false",   "null"};
constexpr std::array<std::string_view, 4> kFutureKeywords = {"if", "in", "contains", "every"};

int future_index(std::string_view word) {
  for (size_t i = 0; i < kFutureKeywords.size(); ++i) {
    if (kFutureKeywords[i] == word) return static_cast<int>(i);
  }
  return -1;
}

bool is_base_keyword(std::string_view word) {
  for (auto kw : kBaseKeywords) {
    if (kw == word) return true;
  }
  return false;
}

Term make_var(std::string name, Location loc) { return Term::var(std::move(name), loc); }

Term make_string(std::string s, Location loc) { return Term::scalar(Value::string(std::move(s)), loc); }

Term make_ref(std::vector<Term> items, Location loc) {
  Term t;
  t.kind = TermKind::Ref;
  t.items = std::move(items);
  t.loc = loc;
  return t;
}

// The operator of an internal builtin such as internal.member_2: a Ref of
// the Var `internal` and a string, the way `regex.match` is written.
[[gnu::noinline]] Term internal_operator(std::string_view name, Location loc) {
  return make_ref({make_var("internal", loc), make_string(std::string(name), loc)}, loc);
}

Term make_call(Term op, std::vector<Term> args, Location loc) {
  Term t;
  t.kind = TermKind::Call;
  t.loc = loc;
  t.items.reserve(args.size() + 1);
  t.items.push_back(std::move(op));
  for (auto& a : args) t.items.push_back(std::move(a));
  return t;
}

// The operator calls of infix expressions; out of line so that the deep
// recursion through the expression grammar keeps small frames.
[[gnu::noinline]] void make_operator_call(std::optional<Term>& lhs, Term op, Term& a, Term* b, Term& last) {
  Term t;
  t.kind = TermKind::Call;
  t.loc = a.loc;
  t.items.reserve(b ? 4 : 3);
  t.items.push_back(std::move(op));
  t.items.push_back(std::move(a));
  if (b) t.items.push_back(std::move(*b));
  t.items.push_back(std::move(last));
  lhs = std::move(t);
}

int binary_precedence(TokenKind kind) {
  switch (kind) {
    case TokenKind::Equal:
    case TokenKind::NotEqual:
    case TokenKind::Less:
    case TokenKind::LessEqual:
    case TokenKind::Greater:
    case TokenKind::GreaterEqual: return 1;
    case TokenKind::Pipe: return 2;
    case TokenKind::Amp: return 3;
    case TokenKind::Plus:
    case TokenKind::Minus: return 4;
    case TokenKind::Star:
    case TokenKind::Slash:
    case TokenKind::Percent: return 5;
    default: return -1;
  }
}

const char* operator_name(TokenKind kind) {
  switch (kind) {
    case TokenKind::Equal: return "equal";
    case TokenKind::NotEqual: return "neq";
    case TokenKind::Less: return "lt";
    case TokenKind::LessEqual: return "lte";
    case TokenKind::Greater: return "gt";
    case TokenKind::GreaterEqual: return "gte";
    case TokenKind::Pipe: return "or";
    case TokenKind::Amp: return "and";
    case TokenKind::Plus: return "plus";
    case TokenKind::Minus: return "minus";
    case TokenKind::Star: return "mul";
    case TokenKind::Slash: return "div";
    case TokenKind::Percent: return "rem";
    default: return "";
  }
}

// OPA's name for the kind of a value in messages ("var", "ref", "number").
std::string_view term_kind_name(const Term& t) {
  switch (t.kind) {
    case TermKind::Scalar:
      if (t.value.is_null()) return "null";
      if (t.value.is_bool()) return "boolean";
      if (t.value.is_string()) return "string";
      return "number";
    case TermKind::Var: return "var";
    case TermKind::Ref: return "ref";
    case TermKind::Array: return "array";
    case TermKind::Set: return "set";
    case TermKind::Object: return "object";
    case TermKind::ArrayCompr: return "arraycomprehension";
    case TermKind::SetCompr: return "setcomprehension";
    case TermKind::ObjectCompr: return "objectcomprehension";
    case TermKind::Call: return "call";
  }
  return "term";
}

// A term without variables, refs, calls or comprehensions.
bool is_ground(const Term& t) {
  switch (t.kind) {
    case TermKind::Scalar: return true;
    case TermKind::Array:
    case TermKind::Set:
      for (const auto& i : t.items) {
        if (!is_ground(i)) return false;
      }
      return true;
    case TermKind::Object:
      for (const auto& [k, v] : t.entries) {
        if (!is_ground(k) || !is_ground(v)) return false;
      }
      return true;
    default: return false;
  }
}

bool is_member_call(const Term& t) {
  if (t.kind != TermKind::Call || t.items[0].kind != TermKind::Ref) return false;
  const auto& op = t.items[0].items;
  if (op.size() != 2 || op[0].name != "internal" || op[1].kind != TermKind::Scalar || !op[1].value.is_string()) {
    return false;
  }
  const auto& name = op[1].value.as_string();
  return (name == "member_2" && t.items.size() == 3) || (name == "member_3" && t.items.size() == 4);
}

// A call operator is a function name: a Var or a Ref of a Var and strings.
bool is_function_name(const Term& t) {
  if (t.kind == TermKind::Var) return !t.is_wildcard();
  if (t.kind != TermKind::Ref || t.items[0].kind != TermKind::Var) return false;
  for (size_t i = 1; i < t.items.size(); ++i) {
    if (t.items[i].kind != TermKind::Scalar || !t.items[i].value.is_string()) return false;
  }
  return true;
}

class Parser {
 public:
  Parser(std::string_view file, const std::vector<Token>& tokens, RegoVersion version, std::vector<Error>& errors)
      : file_(file), toks_(tokens), version_(version), errors_(errors), first_error_(errors.size()) {
    if (version == RegoVersion::V1) {
      future_.fill(true);
      v1_rules_ = true;
    }
  }

  std::optional<Module> module() {
    Module m;
    m.file = std::string(file_);
    m.version = version_;
    if (cur().kind == TokenKind::End) {
      error_at(cur().loc, "empty module");
      return std::nullopt;
    }
    if (!keyword("package")) {
      error_at(cur().loc, "package expected");
      return std::nullopt;
    }
    if (!parse_package(m)) return std::nullopt;
    while (cur().kind != TokenKind::End) {
      if (keyword("package")) {
        error_at(cur().loc, "unexpected package");
        return std::nullopt;
      }
      if (keyword("import")) {
        if (!parse_import(m)) return std::nullopt;
        continue;
      }
      auto rules = parse_rules();
      if (!rules) return std::nullopt;
      for (auto& r : *rules) m.rules.push_back(std::move(r));
    }
    if (errors_.size() > first_error_) return std::nullopt;
    if (v1_rules_) m.version = RegoVersion::V1;
    return m;
  }

  std::optional<Query> query() {
    if (cur().kind == TokenKind::End) {
      error_at(cur().loc, "empty query");
      return std::nullopt;
    }
    auto q = parse_query(TokenKind::End);
    if (!q || errors_.size() > first_error_) return std::nullopt;
    return q;
  }

  std::optional<Term> single_term() {
    if (cur().kind == TokenKind::End) {
      error_at(cur().loc, "empty term");
      return std::nullopt;
    }
    auto t = parse_in(/*key_value=*/false);
    if (!t) return std::nullopt;
    if (cur().kind != TokenKind::End) {
      unexpected("expected end of term");
      return std::nullopt;
    }
    return t;
  }

 private:
  // ---- tokens ----

  const Token& at(size_t i) const { return toks_[i < toks_.size() ? i : toks_.size() - 1]; }
  const Token& cur() const { return at(pos_); }
  bool is(TokenKind k) const { return cur().kind == k; }
  void next() {
    if (pos_ + 1 < toks_.size()) ++pos_;
  }

  // A word directly followed by `.` or `[` names a ref even when it is a
  // keyword (`true.foo := 1`, `input.x.else`), as OPA allows.
  bool ref_follows(size_t i) const {
    const Token& n = at(i + 1);
    return (n.kind == TokenKind::Dot || n.kind == TokenKind::LBrack) && !n.space_before;
  }

  bool keyword_active(std::string_view word) const {
    if (is_base_keyword(word)) return true;
    const int f = future_index(word);
    return f >= 0 && future_[static_cast<size_t>(f)] && !plain_future_words_;
  }

  bool keyword_at(size_t i, std::string_view word) const {
    const Token& t = at(i);
    return t.kind == TokenKind::Ident && t.text == word && keyword_active(word) && !ref_follows(i);
  }
  bool keyword(std::string_view word) const { return keyword_at(pos_, word); }

  bool any_keyword_at(size_t i) const {
    const Token& t = at(i);
    return t.kind == TokenKind::Ident && keyword_active(t.text) && !ref_follows(i);
  }

  // A `-` that begins a negative number literal (`-1`, `- 2.5`, `-.5`).
  bool number_follows(size_t i) const {
    const Token& n = at(i + 1);
    if (n.kind == TokenKind::Number) return true;
    return n.kind == TokenKind::Dot && at(i + 2).kind == TokenKind::Number && !at(i + 2).space_before;
  }

  // Whether parse_term() can start here: everything but a unary minus on a
  // non-literal.
  bool starts_plain_term() const { return !(is(TokenKind::Minus) && !number_follows(pos_)); }

  // ---- errors and backtracking ----

  struct Mark {
    size_t pos;
    size_t errors;
  };
  Mark mark() const { return Mark{pos_, errors_.size()}; }
  void reset(const Mark& m) {
    pos_ = m.pos;
    errors_.resize(m.errors);
  }

  void error_at(Location loc, std::string message) {
    errors_.push_back(Error{"rego_parse_error", std::move(message), std::string(file_), loc});
  }

  std::string describe(const Token& t) const {
    if (t.kind == TokenKind::Ident) {
      if (keyword_active(t.text)) return std::string(t.text) + " keyword";
      return "ident token \"" + std::string(t.text) + "\"";
    }
    if (t.kind == TokenKind::Number) return "number token " + std::string(t.text);
    return std::string(token_kind_name(t.kind)) + " token";
  }

  // "unexpected <token>: <note>", OPA's wording, with a hint when the token
  // would be a keyword under Rego v1.
  [[gnu::noinline]] void unexpected(std::string_view note) {
    const Token& t = cur();
    std::string msg = "unexpected " + describe(t);
    if (!note.empty()) msg += ": " + std::string(note);
    if (t.kind == TokenKind::Ident && future_index(t.text) >= 0 && !keyword_active(t.text)) {
      msg += " (hint: `" + std::string(t.text) + "` is a keyword only in Rego v1 or after `import future.keywords." +
             std::string(t.text) + "`)";
    }
    error_at(t.loc, std::move(msg));
  }

  // Counts nesting of terms and bodies; false (with an error) beyond the cap.
  class Nest {
   public:
    explicit Nest(Parser& p) : p_(p), ok_(++p.depth_ <= kMaxNesting && p.stack_used() <= kMaxStackBytes) {
      if (!ok_) p_.error_at(p_.cur().loc, "max parsing recursion depth exceeded");
    }
    ~Nest() { --p_.depth_; }
    Nest(const Nest&) = delete;
    Nest& operator=(const Nest&) = delete;
    bool ok() const { return ok_; }

   private:
    Parser& p_;
    bool ok_;
  };

  bool depth_ok(int depth) {
    if (depth <= kMaxTermDepth) return true;
    error_at(cur().loc, "max parsing recursion depth exceeded (expression nested more than " +
                            std::to_string(kMaxTermDepth) + " levels deep)");
    return false;
  }

  // Bytes of stack between the parser's entry and the current frame.
  size_t stack_used() const {
    const auto here = reinterpret_cast<uintptr_t>(__builtin_frame_address(0));
    return here < stack_base_ ? stack_base_ - here : here - stack_base_;
  }

  // ---- terms ----

  [[gnu::noinline]] std::optional<Term> parse_number(Location loc) {
    std::string text;
    if (is(TokenKind::Minus)) {
      text = "-";
      next();
    }
    if (is(TokenKind::Dot)) {
      text += ".";
      next();
    }
    if (!is(TokenKind::Number)) {
      unexpected("expected number");
      return std::nullopt;
    }
    const std::string_view digits = cur().text;
    if (text.find('.') == std::string::npos && digits.size() > 1 && digits[0] == '0' && digits[1] != '.' &&
        !(digits.size() > 2 && (digits[1] == 'e' || digits[1] == 'E'))) {
      unexpected("expected number without leading zero");
      return std::nullopt;
    }
    text += digits;
    value::Decimal d;
    if (!value::parse_decimal(text, &d, nullptr)) {
      unexpected("invalid float");
      return std::nullopt;
    }
    if (std::llabs(d.point) > kMaxDecimalExponent) {
      error_at(cur().loc, "number too big");
      return std::nullopt;
    }
    auto v = number_from_text(text);
    if (!v) {
      unexpected("invalid float");
      return std::nullopt;
    }
    next();
    last_depth_ = 1;
    return Term::scalar(std::move(*v), loc);
  }

  [[gnu::noinline]] std::optional<Term> parse_string() {
    std::string s, err;
    if (!decode_string_token(cur(), &s, &err)) {
      error_at(cur().loc, "illegal string literal: " + std::string(cur().text) + " (" + err + ")");
      return std::nullopt;
    }
    Term t = make_string(std::move(s), cur().loc);
    next();
    last_depth_ = 1;
    return t;
  }

  std::optional<Term> parse_primary() {
    const Token& t = cur();
    const Location loc = t.loc;
    last_depth_ = 1;
    switch (t.kind) {
      case TokenKind::Ident: {
        if (!ref_follows(pos_)) {
          if (t.text == "null") { next(); return Term::scalar(Value::null(), loc); }
          if (t.text == "true") { next(); return Term::scalar(Value::boolean(true), loc); }
          if (t.text == "false") { next(); return Term::scalar(Value::boolean(false), loc); }
          // `contains` outside rule heads is always a name (the builtin).
          if (t.text != "contains" && any_keyword_at(pos_)) {
            unexpected("");
            return std::nullopt;
          }
        }
        Term v = make_var(std::string(t.text), loc);
        next();
        return v;
      }
      case TokenKind::Number: return parse_number(loc);
      case TokenKind::Minus:
      case TokenKind::Dot:
        if (t.kind == TokenKind::Dot ? at(pos_ + 1).kind == TokenKind::Number : number_follows(pos_)) {
          return parse_number(loc);
        }
        next();
        unexpected("expected number");
        return std::nullopt;
      case TokenKind::String:
      case TokenKind::RawString: return parse_string();
      case TokenKind::TemplateText: return parse_template();
      case TokenKind::LBrack: return parse_array();
      case TokenKind::LBrace: return parse_brace();
      case TokenKind::LParen: {
        next();
        auto inner = parse_in(/*key_value=*/true);
        if (!inner) return std::nullopt;
        if (!is(TokenKind::RParen)) {
          unexpected("non-terminated expression");
          return std::nullopt;
        }
        next();
        return inner;
      }
      default: unexpected(""); return std::nullopt;
    }
  }

  // Adds a ref operand to `base`, turning it into a Ref if it is not one.
  [[gnu::noinline]] std::optional<Term> append_ref(Term base, Term operand) {
    if (base.kind == TermKind::Ref) {
      base.items.push_back(std::move(operand));
      return base;
    }
    switch (base.kind) {
      case TermKind::Var:
      case TermKind::Array:
      case TermKind::Object:
      case TermKind::Set:
      case TermKind::ArrayCompr:
      case TermKind::SetCompr:
      case TermKind::ObjectCompr:
      case TermKind::Call: {
        const Location loc = base.loc;
        std::vector<Term> items;
        items.push_back(std::move(base));
        items.push_back(std::move(operand));
        return make_ref(std::move(items), loc);
      }
      default:
        error_at(base.loc, "illegal ref (head cannot be " + std::string(term_kind_name(base)) + ")");
        return std::nullopt;
    }
  }

  // `.name`, `[index]` and `(args)` directly after a term. In rule heads the
  // first of them may follow whitespace (`p [x]`), as OPA allows.
  // Expects last_depth_ to hold the depth of `t`.
  std::optional<Term> parse_postfix(Term t, bool space_before_first_ok) {
    bool first = true;
    int depth = last_depth_;
    while (true) {
      const Token& c = cur();
      const bool adjacent = !c.space_before || (first && space_before_first_ok);
      first = false;
      if (!adjacent) {
        last_depth_ = depth;
        return t;
      }
      if (c.kind == TokenKind::Dot) {
        next();
        if (!is(TokenKind::Ident) || cur().space_before) {
          unexpected("expected ident");
          return std::nullopt;
        }
        Term operand = make_string(std::string(cur().text), cur().loc);
        next();
        depth = t.kind == TermKind::Ref ? std::max(depth, 2) : depth + 1;
        auto r = append_ref(std::move(t), std::move(operand));
        if (!r) return std::nullopt;
        t = std::move(*r);
      } else if (c.kind == TokenKind::LBrack) {
        next();
        auto index = parse_in(/*key_value=*/true);
        if (!index) return std::nullopt;
        if (!is(TokenKind::RBrack)) {
          unexpected("expected ]");
          return std::nullopt;
        }
        next();
        depth = std::max(t.kind == TermKind::Ref ? depth : depth + 1, last_depth_ + 1);
        auto r = append_ref(std::move(t), std::move(*index));
        if (!r) return std::nullopt;
        t = std::move(*r);
      } else if (c.kind == TokenKind::LParen && t.kind != TermKind::Call) {
        if (!is_function_name(t)) {
          error_at(c.loc, "illegal call (operator must be a function name, got " + std::string(term_kind_name(t)) +
                              ")");
          return std::nullopt;
        }
        next();
        std::vector<Term> args;
        int args_depth = 0;
        if (!is(TokenKind::RParen)) {
          auto a = parse_in(/*key_value=*/false);
          if (!a) return std::nullopt;
          args.push_back(std::move(*a));
          args_depth = last_depth_;
          if (!parse_list_rest(TokenKind::RParen, args, args_depth)) return std::nullopt;
        } else {
          next();
        }
        depth = 1 + std::max(depth, args_depth);
        const Location loc = t.loc;
        if (t.kind == TermKind::Var && t.name == "set" && args.empty()) {
          Term s;
          s.kind = TermKind::Set;
          s.loc = loc;
          t = std::move(s);
        } else {
          t = make_call(std::move(t), std::move(args), loc);
        }
      } else {
        last_depth_ = depth;
        return t;
      }
    }
  }

  // A single term with its refs and calls, but no infix operators (OPA's
  // parseTerm).
  std::optional<Term> parse_term() {
    Nest nest(*this);
    if (!nest.ok()) return std::nullopt;
    auto t = parse_primary();
    if (!t) return std::nullopt;
    return parse_postfix(std::move(*t), /*space_before_first_ok=*/false);
  }

  // Unary minus on anything but a number literal is minus(0, x).
  std::optional<Term> parse_unary() {
    if (is(TokenKind::Minus) && !number_follows(pos_)) {
      Nest nest(*this);
      if (!nest.ok()) return std::nullopt;
      const Location loc = cur().loc;
      next();
      auto operand = parse_unary();
      if (!operand) return std::nullopt;
      if (!depth_ok(last_depth_ + 1)) return std::nullopt;
      Term zero = Term::scalar(Value::integer(0), loc);
      std::optional<Term> out;
      make_operator_call(out, make_var("minus", loc), zero, nullptr, *operand);
      return out;
    }
    return parse_term();
  }

  // Infix operators from the relations down (precedence climbing); `lhs`
  // continues from an already parsed first operand.
  // A given `lhs` must be the term whose depth is in last_depth_.
  std::optional<Term> parse_binary(int min_prec, std::optional<Term> lhs) {
    if (!lhs) {
      lhs = parse_unary();
      if (!lhs) return std::nullopt;
    }
    int depth = last_depth_;
    while (true) {
      const int prec = binary_precedence(cur().kind);
      if (prec < 0 || prec < min_prec) {
        last_depth_ = depth;
        return lhs;
      }
      const TokenKind op = cur().kind;
      const Location op_loc = cur().loc;
      next();
      auto rhs = parse_binary(prec + 1, std::nullopt);
      if (!rhs) return std::nullopt;
      depth = 1 + std::max(depth, last_depth_);
      if (!depth_ok(depth)) return std::nullopt;
      make_operator_call(lhs, make_var(operator_name(op), op_loc), *lhs, nullptr, *rhs);
    }
  }

  // An infix term including membership: `x in xs`, and with key_value also
  // `k, v in xs` (not inside lists, where the comma separates items).
  std::optional<Term> parse_in(bool key_value, std::optional<Term> first = std::nullopt) {
    auto lhs = parse_binary(1, std::move(first));
    if (!lhs) return std::nullopt;
    int depth = last_depth_;
    while (true) {
      if (key_value && is(TokenKind::Comma)) {
        const Mark m = mark();
        next();
        auto mhs = parse_binary(1, std::nullopt);
        if (mhs && keyword("in")) {
          const int mhs_depth = last_depth_;
          const Location op_loc = cur().loc;
          next();
          auto rhs = parse_binary(1, std::nullopt);
          if (!rhs) return std::nullopt;
          depth = 1 + std::max({depth, mhs_depth, last_depth_, 2});
          if (!depth_ok(depth)) return std::nullopt;
          make_operator_call(lhs, internal_operator("member_3", op_loc), *lhs, &*mhs, *rhs);
          continue;
        }
        reset(m);
        last_depth_ = depth;
        return lhs;
      }
      if (keyword("in")) {
        const Location op_loc = cur().loc;
        next();
        auto rhs = parse_binary(1, std::nullopt);
        if (!rhs) return std::nullopt;
        depth = 1 + std::max({depth, last_depth_, 2});
        if (!depth_ok(depth)) return std::nullopt;
        make_operator_call(lhs, internal_operator("member_2", op_loc), *lhs, nullptr, *rhs);
        continue;
      }
      last_depth_ = depth;
      return lhs;
    }
  }

  // After the first item of a list: `, item`... up to and including `end`
  // (a trailing comma is allowed).
  // `max_depth` grows to the deepest item.
  bool parse_list_rest(TokenKind end, std::vector<Term>& items, int& max_depth) {
    while (true) {
      if (is(end)) {
        next();
        return true;
      }
      if (!is(TokenKind::Comma)) {
        unexpected("expected \",\" or \"" + std::string(token_kind_name(end)) + "\"");
        return false;
      }
      next();
      if (is(end)) {
        next();
        return true;
      }
      auto item = parse_in(/*key_value=*/false);
      if (!item) return false;
      max_depth = std::max(max_depth, last_depth_);
      items.push_back(std::move(*item));
    }
  }

  // The first item of an array or set literal, which may instead be the head
  // of a comprehension: a single term directly followed by `|`.
  struct ListHead {
    Term term;
    bool comprehension = false;  // `|` follows and the term is the comprehension head
  };
  [[gnu::noinline]] std::optional<ListHead> parse_list_head(bool may_be_comprehension) {
    if (!starts_plain_term()) {
      auto t = parse_in(/*key_value=*/false);
      if (!t) return std::nullopt;
      return ListHead{std::move(*t), false};
    }
    auto t = parse_term();
    if (!t) return std::nullopt;
    if (is(TokenKind::Pipe) && may_be_comprehension) return ListHead{std::move(*t), true};
    if (is(TokenKind::Comma) || is(TokenKind::RBrack) || is(TokenKind::RBrace) || is(TokenKind::Colon)) {
      return ListHead{std::move(*t), false};
    }
    auto full = parse_in(/*key_value=*/false, std::move(*t));
    if (!full) return std::nullopt;
    return ListHead{std::move(*full), false};
  }

  [[gnu::noinline]] std::optional<Term> parse_array() {
    Term arr;
    arr.kind = TermKind::Array;
    arr.loc = cur().loc;
    next();  // [
    if (is(TokenKind::RBrack)) {
      next();
      last_depth_ = 1;
      return arr;
    }
    bool may_be_comprehension = true;
    if (is(TokenKind::Comma)) {  // `[, x]` is accepted by OPA for backwards compatibility
      may_be_comprehension = false;
      next();
    }
    auto head = parse_list_head(may_be_comprehension);
    if (!head) return std::nullopt;
    int depth = last_depth_;
    if (head->comprehension) {
      next();  // |
      auto body = parse_query(TokenKind::RBrack);
      if (!body) return std::nullopt;
      next();  // ]
      arr.kind = TermKind::ArrayCompr;
      arr.items.push_back(std::move(head->term));
      arr.body = std::make_shared<Query>(std::move(*body));
      last_depth_ = 1 + std::max(depth, last_depth_);
      return arr;
    }
    arr.items.push_back(std::move(head->term));
    if (!parse_list_rest(TokenKind::RBrack, arr.items, depth)) return std::nullopt;
    last_depth_ = depth + 1;
    return arr;
  }

  // `{}`, `{a, b}`, `{k: v}`, `{x | q}`, `{k: v | q}`.
  [[gnu::noinline]] std::optional<Term> parse_brace() {
    const Location loc = cur().loc;
    next();  // {
    if (is(TokenKind::RBrace)) {
      next();
      Term obj;
      obj.kind = TermKind::Object;
      obj.loc = loc;
      last_depth_ = 1;
      return obj;
    }
    bool may_be_comprehension = true;
    if (is(TokenKind::Comma)) {
      may_be_comprehension = false;
      next();
    }
    auto head = parse_list_head(may_be_comprehension);
    if (!head) return std::nullopt;
    int depth = last_depth_;
    Term t;
    t.loc = loc;
    if (head->comprehension) {
      next();  // |
      auto body = parse_query(TokenKind::RBrace);
      if (!body) return std::nullopt;
      next();  // }
      t.kind = TermKind::SetCompr;
      t.items.push_back(std::move(head->term));
      t.body = std::make_shared<Query>(std::move(*body));
      last_depth_ = 1 + std::max(depth, last_depth_);
      return t;
    }
    if (is(TokenKind::Colon)) return parse_object_rest(loc, std::move(head->term), may_be_comprehension);
    if (!is(TokenKind::Comma) && !is(TokenKind::RBrace)) {
      unexpected("non-terminated set");
      return std::nullopt;
    }
    t.kind = TermKind::Set;
    t.items.push_back(std::move(head->term));
    if (!parse_list_rest(TokenKind::RBrace, t.items, depth)) return std::nullopt;
    last_depth_ = depth + 1;
    return t;
  }

  // Expects last_depth_ to hold the depth of `key`.
  [[gnu::noinline]] std::optional<Term> parse_object_rest(Location loc, Term key, bool may_be_comprehension) {
    int depth = last_depth_;
    next();  // :
    auto value = parse_list_head(may_be_comprehension);
    if (!value) return std::nullopt;
    depth = std::max(depth, last_depth_);
    Term t;
    t.loc = loc;
    if (value->comprehension) {
      next();  // |
      auto body = parse_query(TokenKind::RBrace);
      if (!body) return std::nullopt;
      next();  // }
      t.kind = TermKind::ObjectCompr;
      t.items.push_back(std::move(key));
      t.items.push_back(std::move(value->term));
      t.body = std::make_shared<Query>(std::move(*body));
      last_depth_ = 1 + std::max(depth, last_depth_);
      return t;
    }
    t.kind = TermKind::Object;
    t.entries.emplace_back(std::move(key), std::move(value->term));
    while (true) {
      if (is(TokenKind::RBrace)) {
        next();
        last_depth_ = depth + 1;
        return t;
      }
      if (!is(TokenKind::Comma)) {
        unexpected("non-terminated object");
        return std::nullopt;
      }
      next();
      if (is(TokenKind::RBrace)) {
        next();
        last_depth_ = depth + 1;
        return t;
      }
      auto k = parse_in(/*key_value=*/false);
      if (!k) return std::nullopt;
      depth = std::max(depth, last_depth_);
      if (!is(TokenKind::Colon)) {
        unexpected("expected \":\"");
        return std::nullopt;
      }
      next();
      auto v = parse_in(/*key_value=*/false);
      if (!v) return std::nullopt;
      depth = std::max(depth, last_depth_);
      t.entries.emplace_back(std::move(*k), std::move(*v));
    }
  }

  // $"text {expr} text": a call of internal.template_string on an array of
  // the pieces. Literal text and constant scalars are array items as they
  // are; any other expression e becomes {v | v = e}, so an undefined e shows
  // as an empty set and the builtin can print `<undefined>`.
  [[gnu::noinline]] std::optional<Term> parse_template() {
    const Location loc = cur().loc;
    std::vector<Term> parts;
    int depth = 1;
    while (true) {
      const Token& seg = cur();
      std::string text, err;
      if (!decode_template_text(seg, &text, &err)) {
        error_at(seg.loc, "illegal template-string part: " + err);
        return std::nullopt;
      }
      if (!text.empty()) parts.push_back(make_string(std::move(text), seg.loc));
      const bool last = seg.template_last;
      next();
      if (last) break;
      const Location expr_loc = cur().loc;
      auto lit = parse_literal();
      if (!lit) return std::nullopt;
      depth = std::max(depth, last_depth_ + 2);  // {v | v = e}: the set, its query, the literal
      const char* bad = nullptr;
      if (lit->negated) bad = "negation ('not')";
      else if (lit->kind == ExprKind::Unify) bad = "unification ('=')";
      else if (lit->kind == ExprKind::Assign) bad = "assignment (':=')";
      else if (lit->kind == ExprKind::Every) bad = "'every'";
      else if (lit->kind == ExprKind::SomeDecl || lit->kind == ExprKind::SomeIn) bad = "'some'";
      if (bad) {
        error_at(expr_loc, std::string("unexpected ") + bad + " in template-string expression");
        return std::nullopt;
      }
      Term value = std::move(lit->terms[0]);
      if (value.kind == TermKind::Scalar && lit->with.empty()) {
        parts.push_back(std::move(value));
      } else {
        Term out = make_var("__template_" + std::to_string(template_vars_++) + "__", expr_loc);
        Expr bind;
        bind.kind = ExprKind::Unify;
        bind.loc = expr_loc;
        bind.terms.push_back(out);
        bind.terms.push_back(std::move(value));
        bind.with = std::move(lit->with);
        auto body = std::make_shared<Query>();
        body->loc = expr_loc;
        body->exprs.push_back(std::move(bind));
        Term compr;
        compr.kind = TermKind::SetCompr;
        compr.loc = expr_loc;
        compr.items.push_back(std::move(out));
        compr.body = std::move(body);
        parts.push_back(std::move(compr));
      }
      if (!is(TokenKind::RBrace)) {
        unexpected("expected } to end template string expression");
        return std::nullopt;
      }
      next();
      if (!is(TokenKind::TemplateText)) {
        unexpected("expected template string text");
        return std::nullopt;
      }
    }
    if (parts.empty()) parts.push_back(make_string("", loc));
    Term arr;
    arr.kind = TermKind::Array;
    arr.loc = loc;
    arr.items = std::move(parts);
    last_depth_ = depth + 2;  // the array and the call
    return make_call(internal_operator("template_string", loc), {std::move(arr)}, loc);
  }

  // ---- queries and literals ----

  // Literals separated by `;` or newlines, up to (not including) `end`.
  std::optional<Query> parse_query(TokenKind end) {
    Nest nest(*this);
    if (!nest.ok()) return std::nullopt;
    Query q;
    q.loc = cur().loc;
    if (is(end)) {
      error_at(cur().loc, "found empty body");
      return std::nullopt;
    }
    int depth = 0;
    while (true) {
      auto e = parse_literal();
      if (!e) return std::nullopt;
      depth = std::max(depth, last_depth_);
      q.exprs.push_back(std::move(*e));
      if (is(TokenKind::Semicolon)) {
        next();
        continue;
      }
      if (is(end)) {
        last_depth_ = depth + 1;
        return q;
      }
      if (!cur().newline_before || is(TokenKind::End)) {
        unexpected("expected \\n or ; or " + std::string(token_kind_name(end)));
        return std::nullopt;
      }
    }
  }

  // `{ query }`, consuming both braces.
  std::optional<Query> parse_braced_body() {
    const Location loc = cur().loc;
    next();  // {
    auto q = parse_query(TokenKind::RBrace);
    if (!q) return std::nullopt;
    next();  // }
    q->loc = loc;
    return q;  // last_depth_ is the query's, from parse_query
  }

  std::optional<Expr> parse_literal() {
    const Location loc = cur().loc;
    bool negated = false;
    if (keyword("not")) {
      negated = true;
      next();
    }
    if (keyword("some")) {
      if (negated) {
        unexpected("illegal negation of 'some'");
        return std::nullopt;
      }
      return parse_some(loc);
    }
    if (keyword("every")) {
      if (negated) {
        unexpected("illegal negation of 'every'");
        return std::nullopt;
      }
      return parse_every(loc);
    }
    auto lhs = parse_in(/*key_value=*/true);
    if (!lhs) return std::nullopt;
    int depth = last_depth_;
    Expr e;
    e.loc = loc;
    e.negated = negated;
    if (is(TokenKind::Assign) || is(TokenKind::Unify)) {
      e.kind = is(TokenKind::Assign) ? ExprKind::Assign : ExprKind::Unify;
      next();
      auto rhs = parse_in(/*key_value=*/true);
      if (!rhs) return std::nullopt;
      depth = std::max(depth, last_depth_);
      e.terms.push_back(std::move(*lhs));
      e.terms.push_back(std::move(*rhs));
    } else {
      e.terms.push_back(std::move(*lhs));
    }
    if (!parse_withs(e, depth)) return std::nullopt;
    last_depth_ = depth + 1;
    return e;
  }

  // `depth` grows to the deepest target or value.
  [[gnu::noinline]] bool parse_withs(Expr& e, int& depth) {
    while (keyword("with")) {
      With w;
      w.loc = cur().loc;
      next();
      if (!is(TokenKind::Ident)) {
        unexpected("expected ident");
        return false;
      }
      auto target = parse_term();
      if (!target) return false;
      depth = std::max(depth, last_depth_);
      if (target->kind != TermKind::Var &&
          !(target->kind == TermKind::Ref && target->items[0].kind == TermKind::Var)) {
        error_at(target->loc, "unexpected " + std::string(term_kind_name(*target)) + ": expected with target path");
        return false;
      }
      if (!keyword("as")) {
        unexpected("expected as keyword");
        return false;
      }
      next();
      auto value = parse_in(/*key_value=*/true);
      if (!value) return false;
      depth = std::max(depth, last_depth_);
      w.target = std::move(*target);
      w.value = std::move(*value);
      e.with.push_back(std::move(w));
    }
    return true;
  }

  [[gnu::noinline]] std::optional<Expr> parse_some(Location loc) {
    next();  // some
    Expr e;
    e.loc = loc;
    const Mark m = mark();
    auto t = parse_in(/*key_value=*/true);
    if (t && is_member_call(*t)) {
      int depth = last_depth_;
      e.kind = ExprKind::SomeIn;
      for (size_t i = 1; i < t->items.size(); ++i) e.terms.push_back(std::move(t->items[i]));
      if (!parse_withs(e, depth)) return std::nullopt;
      last_depth_ = depth + 1;
      return e;
    }
    reset(m);
    e.kind = ExprKind::SomeDecl;
    while (true) {
      if (!is(TokenKind::Ident) || any_keyword_at(pos_)) {
        unexpected("expected var");
        return std::nullopt;
      }
      e.terms.push_back(make_var(std::string(cur().text), cur().loc));
      next();
      if (!is(TokenKind::Comma)) {
        last_depth_ = 2;
        return e;
      }
      next();
    }
  }

  [[gnu::noinline]] std::optional<Expr> parse_every(Location loc) {
    next();  // every
    auto t = parse_in(/*key_value=*/true);
    if (!t) return std::nullopt;
    int depth = last_depth_;
    if (!is_member_call(*t)) {
      error_at(t->loc,
               "unexpected " + std::string(term_kind_name(*t)) + ": expected `x[, y] in xs { ... }` expression");
      return std::nullopt;
    }
    Expr e;
    e.kind = ExprKind::Every;
    e.loc = loc;
    for (size_t i = 1; i < t->items.size(); ++i) e.terms.push_back(std::move(t->items[i]));
    const Term& value = e.terms[e.terms.size() - 2];
    if (!value.is_var()) {
      error_at(value.loc, "unexpected " + std::string(term_kind_name(value)) + ": expected value to be a variable");
      return std::nullopt;
    }
    if (e.terms.size() == 3 && !e.terms[0].is_var()) {
      error_at(e.terms[0].loc,
               "unexpected " + std::string(term_kind_name(e.terms[0])) + ": expected key to be a variable");
      return std::nullopt;
    }
    if (!is(TokenKind::LBrace)) {
      unexpected("missing body");
      return std::nullopt;
    }
    auto body = parse_braced_body();
    if (!body) return std::nullopt;
    depth = std::max(depth, last_depth_);
    e.body = std::make_shared<Query>(std::move(*body));
    if (!parse_withs(e, depth)) return std::nullopt;
    last_depth_ = depth + 1;
    return e;
  }

  // ---- module statements ----

  bool parse_package(Module& m) {
    m.package_loc = cur().loc;
    next();  // package
    if (!is(TokenKind::Ident)) {
      unexpected("expected package path");
      return false;
    }
    auto t = parse_term();
    if (!t) return false;
    if (t->kind == TermKind::Var) {
      m.package.push_back(t->name);
      return true;
    }
    if (t->kind != TermKind::Ref || t->items[0].kind != TermKind::Var) {
      error_at(t->loc, "unexpected " + std::string(term_kind_name(*t)) + " token: expecting package path");
      return false;
    }
    m.package.push_back(t->items[0].name);
    for (size_t i = 1; i < t->items.size(); ++i) {
      const Term& part = t->items[i];
      if (part.kind != TermKind::Scalar || !part.value.is_string()) {
        error_at(part.loc, "unexpected " + std::string(term_kind_name(part)) + " token: expecting string");
        return false;
      }
      m.package.push_back(part.value.as_string());
    }
    return true;
  }

  bool is_keyword_in_version(std::string_view word) const {
    return is_base_keyword(word) || (version_ == RegoVersion::V1 && future_index(word) >= 0);
  }

  bool parse_import(Module& m) {
    Import imp;
    imp.loc = cur().loc;
    next();  // import
    if (!is(TokenKind::Ident)) {
      unexpected("expected import path");
      return false;
    }
    // Import paths read future keywords as plain names (`import future.keywords.in`).
    plain_future_words_ = true;
    auto t = parse_term();
    plain_future_words_ = false;
    if (!t) return false;
    std::vector<std::string> path;
    if (t->kind == TermKind::Var) {
      path.push_back(t->name);
      imp.path = make_ref({*t}, t->loc);
    } else if (t->kind == TermKind::Ref && t->items[0].kind == TermKind::Var) {
      path.push_back(t->items[0].name);
      for (size_t i = 1; i < t->items.size(); ++i) {
        const Term& part = t->items[i];
        if (part.kind != TermKind::Scalar || !part.value.is_string()) {
          error_at(part.loc, "unexpected " + std::string(term_kind_name(part)) + " token: expecting string");
          return false;
        }
        path.push_back(part.value.as_string());
      }
      imp.path = std::move(*t);
    } else {
      error_at(t->loc, "unexpected " + std::string(term_kind_name(*t)) + ": expected import path");
      return false;
    }
    const std::string& root = path[0];
    if (root != "data" && root != "input" && root != "future" && root != "rego") {
      error_at(imp.path.loc,
               "unexpected import path, must begin with one of: {data, future, input, rego}, got: " + root);
      return false;
    }
    if (keyword("as")) {
      next();
      if (!is(TokenKind::Ident) || any_keyword_at(pos_) || ref_follows(pos_)) {
        unexpected("expected var");
        return false;
      }
      imp.alias = std::string(cur().text);
      next();
    } else if (root != "future" && is_keyword_in_version(path.back())) {
      error_at(imp.path.loc, "unexpected import path, must not end with a keyword, got: " + path.back() +
                                 " (hint: import a different path or use an alias)");
      return false;
    }
    if (root == "future" && !apply_future_import(imp, path)) return false;
    if (root == "rego" && !apply_rego_import(imp, path)) return false;
    m.imports.push_back(std::move(imp));
    return true;
  }

  bool apply_future_import(const Import& imp, const std::vector<std::string>& path) {
    if (path.size() == 1 || path[1] != "keywords") {
      error_at(imp.path.loc, "invalid import, must be `future.keywords`");
      return false;
    }
    if (!imp.alias.empty()) {
      error_at(imp.path.loc, "`future` imports cannot be aliased");
      return false;
    }
    if (path.size() == 3) {
      const int f = future_index(path[2]);
      if (f < 0) {
        error_at(imp.path.loc, "unexpected keyword, must be one of [contains every if in]");
        return false;
      }
      future_[static_cast<size_t>(f)] = true;
      // `every` needs `in` (every x in xs).
      if (path[2] == "every") future_[static_cast<size_t>(future_index("in"))] = true;
      return true;
    }
    future_.fill(true);
    return true;
  }

  bool apply_rego_import(const Import& imp, const std::vector<std::string>& path) {
    if (path.size() != 2 || path[1] != "v1") {
      std::string text = path[0];
      for (size_t i = 1; i < path.size(); ++i) text += "." + path[i];
      error_at(imp.path.loc, "invalid import `" + text + "`, must be `rego.v1`");
      return false;
    }
    if (version_ == RegoVersion::V1) return true;  // a no-op in v1
    if (!imp.alias.empty()) {
      error_at(imp.path.loc, "`rego` imports cannot be aliased");
      return false;
    }
    future_.fill(true);
    v1_rules_ = true;
    return true;
  }

  // A v1 literal body `p if x` must not be a set literal: `p if { x }` is a
  // braced body.
  static bool is_set_literal(const Expr& e) {
    return e.kind == ExprKind::Term && e.terms.size() == 1 && e.terms[0].kind == TermKind::Set;
  }

  // The value of a default rule is a constant (comprehensions aside).
  bool check_default_value(const Term& t, Location rule_loc) {
    switch (t.kind) {
      case TermKind::Var:
      case TermKind::Ref:
      case TermKind::Call:
        error_at(rule_loc, "illegal default rule (value cannot contain " + std::string(term_kind_name(t)) + ")");
        return false;
      case TermKind::Array:
      case TermKind::Set:
        for (const auto& i : t.items) {
          if (!check_default_value(i, rule_loc)) return false;
        }
        return true;
      case TermKind::Object:
        for (const auto& [k, v] : t.entries) {
          if (!check_default_value(k, rule_loc) || !check_default_value(v, rule_loc)) return false;
        }
        return true;
      default: return true;
    }
  }

  bool check_default_args(const std::vector<Term>& args, Location rule_loc) {
    std::vector<std::string_view> seen;
    for (const auto& a : args) {
      if (a.kind != TermKind::Var) {
        error_at(rule_loc, "illegal default rule (arguments cannot contain " + std::string(term_kind_name(a)) + ")");
        return false;
      }
      if (a.is_wildcard()) continue;
      for (auto s : seen) {
        if (s == a.name) {
          error_at(rule_loc, "illegal default rule (arguments cannot be repeated " + a.name + ")");
          return false;
        }
      }
      seen.push_back(a.name);
    }
    return true;
  }

  // Everything after `if` or the head: `{ body }`, or a single literal.
  std::optional<Query> parse_if_body() {
    if (is(TokenKind::LBrace)) {
      // OPA reads `p if {...}` as a one-literal body first; only a set literal
      // (`p if { x }`) means a braced body.
      const Mark m = mark();
      auto lit = parse_literal();
      if (lit && !is_set_literal(*lit)) {
        Query q;
        q.loc = lit->loc;
        q.exprs.push_back(std::move(*lit));
        return q;
      }
      reset(m);
      return parse_braced_body();
    }
    auto lit = parse_literal();
    if (!lit) return std::nullopt;
    Query q;
    q.loc = lit->loc;
    q.exprs.push_back(std::move(*lit));
    return q;
  }

  bool parse_else_chain(Rule& rule, bool function) {
    while (keyword("else")) {
      ElseClause c;
      c.loc = cur().loc;
      next();  // else
      if (is(TokenKind::Assign) || is(TokenKind::Unify)) {
        next();
        auto v = parse_in(/*key_value=*/true);
        if (!v) return false;
        c.value = std::move(*v);
      } else if (!is(TokenKind::LBrace) && !keyword("if")) {
        unexpected("expected else value term or rule body");
        return false;
      }
      const bool has_if = keyword("if");
      if (!has_if && !is(TokenKind::LBrace)) {  // `else := v` alone ends the chain
        rule.else_chain.push_back(std::move(c));
        return true;
      }
      if (has_if) next();
      if (is(TokenKind::LBrace)) {
        auto body = parse_braced_body();
        if (!body) return false;
        c.body = std::move(*body);
        if (!has_if && v1_rules_) {
          error_at(c.loc, std::string("`if` keyword is required before ") + (function ? "function" : "rule") + " body");
        }
      } else if (is(TokenKind::End)) {
        unexpected("rule body expected");
        return false;
      } else {
        auto lit = parse_literal();
        if (!lit) return false;
        c.body.loc = lit->loc;
        c.body.exprs.push_back(std::move(*lit));
      }
      rule.else_chain.push_back(std::move(c));
    }
    return true;
  }

  std::optional<std::vector<Rule>> parse_rules() {
    Rule rule;
    rule.loc = cur().loc;
    if (keyword("default")) {
      rule.is_default = true;
      next();
    }
    if (!is(TokenKind::Ident) || any_keyword_at(pos_)) {
      unexpected("expected rule");
      return std::nullopt;
    }
    const Location head_loc = cur().loc;
    const std::string name(cur().text);
    next();
    // An operator glued to the name (`p+1`) is not a rule head.
    if (!cur().space_before && binary_precedence(cur().kind) >= 0) {
      unexpected("expected rule head");
      return std::nullopt;
    }
    last_depth_ = 1;
    auto head = parse_postfix(make_var(name, head_loc), /*space_before_first_ok=*/true);
    if (!head) return std::nullopt;

    bool function = false;
    if (head->kind == TermKind::Call) {
      function = true;
      rule.ref = std::move(head->items[0]);
      for (size_t i = 1; i < head->items.size(); ++i) rule.args.push_back(std::move(head->items[i]));
    } else if (head->kind == TermKind::Var ||
               (head->kind == TermKind::Ref && head->items[0].kind == TermKind::Var)) {
      rule.ref = std::move(*head);
    } else {
      error_at(head_loc, "rule head ref " + name + " invalid");
      return std::nullopt;
    }

    bool used_contains = false;
    if (keyword("contains")) {
      if (function) {
        unexpected("the contains keyword can only be used with multi-value rule definitions (e.g., " + name +
                   " contains <VALUE> { ... })");
        return std::nullopt;
      }
      used_contains = true;
      next();
      auto key = parse_in(/*key_value=*/true);
      if (!key) return std::nullopt;
      rule.key = std::move(*key);
    } else if (is(TokenKind::Unify) || is(TokenKind::Assign)) {
      rule.assign = is(TokenKind::Assign);
      next();
      auto value = parse_in(/*key_value=*/true);
      if (!value) return std::nullopt;
      rule.value = std::move(*value);
    }

    const size_t ref_len = rule.ref.kind == TermKind::Ref ? rule.ref.items.size() : 1;

    if (rule.is_default) {
      if (!rule.value) {
        error_at(rule.loc, "illegal default rule (must have a value)");
        return std::nullopt;
      }
      if (!check_default_value(*rule.value, rule.loc)) return std::nullopt;
      if (function && !check_default_args(rule.args, rule.loc)) return std::nullopt;
      classify(rule, function, used_contains, /*has_if=*/true);
      return std::vector<Rule>{std::move(rule)};
    }

    const bool has_if = keyword("if");
    bool has_body = false;
    if (has_if) {
      next();
      auto body = parse_if_body();
      if (!body) return std::nullopt;
      rule.body = std::move(*body);
      has_body = true;
    } else if (is(TokenKind::LBrace)) {
      auto body = parse_braced_body();
      if (!body) return std::nullopt;
      rule.body = std::move(*body);
      has_body = true;
      if (v1_rules_) {
        error_at(rule.loc,
                 std::string("`if` keyword is required before ") + (function ? "function" : "rule") + " body");
      }
    } else if (!used_contains && !rule.value && !function && ref_len == 1) {
      unexpected("expected rule value (" + name + " := <VALUE>) or body (" + name + " if { ... })");
      return std::nullopt;
    } else if (!used_contains && !rule.value && !function && ref_len > 2 && v1_rules_) {
      error_at(rule.loc, "rule must have value assignment and/or body declaration");
    }

    classify(rule, function, used_contains, has_if);

    if (has_body && keyword("else")) {
      if (ref_len > 1 && !is_ground_ref(rule.ref)) {
        error_at(cur().loc, "else keyword cannot be used on rules with variables in head");
        return std::nullopt;
      }
      if (rule.key) {
        error_at(cur().loc, "else keyword cannot be used on multi-value rules");
        return std::nullopt;
      }
      if (!parse_else_chain(rule, function)) return std::nullopt;
    }

    std::vector<Rule> rules;
    rules.push_back(std::move(rule));
    // v0: `p { a } { b }` defines p twice.
    while (has_body && is(TokenKind::LBrace)) {
      if (!rules.front().else_chain.empty()) {
        unexpected("expected else keyword");
        return std::nullopt;
      }
      Rule next_rule = rules.front();
      next_rule.loc = cur().loc;
      auto body = parse_braced_body();
      if (!body) return std::nullopt;
      next_rule.body = std::move(*body);
      rules.push_back(std::move(next_rule));
    }
    return rules;
  }

  static bool is_ground_ref(const Term& ref) {
    for (size_t i = 1; i < ref.items.size(); ++i) {
      if (!is_ground(ref.items[i])) return false;
    }
    return true;
  }

  // Sets rule.kind (and key) from the head's shape, as OPA classifies heads:
  //   f(...)                          Function
  //   p contains x                    PartialSet, key x
  //   p[x] / p.q without `if`/value   PartialSet (v0 multi-value), ref p, key x
  //   head ref with a non-ground operand (p[k] = v, p[x] if, p[x].y := z)
  //                                   PartialObject: ref is the full head ref,
  //                                   key its last operand
  //   otherwise                       Complete (p, a.b.c, p["k"] if)
  void classify(Rule& rule, bool function, bool used_contains, bool has_if) {
    // `f() = x { }` has no arguments: OPA makes it a complete rule, which
    // `f` and `f()` both refer to (gatekeeper-library's psp seccomp does so).
    if (function && !rule.args.empty()) {
      rule.kind = RuleKind::Function;
      return;
    }
    if (used_contains) {
      rule.kind = RuleKind::PartialSet;
      return;
    }
    const size_t ref_len = rule.ref.kind == TermKind::Ref ? rule.ref.items.size() : 1;
    if (ref_len == 2 && !has_if && !rule.value) {
      rule.kind = RuleKind::PartialSet;
      rule.key = std::move(rule.ref.items[1]);
      Term head = std::move(rule.ref.items[0]);
      rule.ref = std::move(head);
      if (v1_rules_) error_at(rule.loc, "`contains` keyword is required for partial set rules");
      return;
    }
    if (ref_len > 1 && !is_ground_ref(rule.ref)) {
      rule.kind = RuleKind::PartialObject;
      rule.key = rule.ref.items.back();
      return;
    }
    rule.kind = RuleKind::Complete;
  }

  std::string_view file_;
  const std::vector<Token>& toks_;
  RegoVersion version_;
  std::vector<Error>& errors_;
  size_t first_error_;
  size_t pos_ = 0;
  int depth_ = 0;
  // Which of if / in / contains / every are keywords now.
  std::array<bool, 4> future_{};
  bool plain_future_words_ = false;
  // v1 rule checks apply: parsed as v1, or a v0 module that imports rego.v1.
  bool v1_rules_ = false;
  int template_vars_ = 0;
  // The depth of the term, literal or query most recently parsed (a leaf is
  // 1); each parse function that produces one sets it before returning.
  int last_depth_ = 0;
  uintptr_t stack_base_ = reinterpret_cast<uintptr_t>(__builtin_frame_address(0));
};

// OPA's parseAnnotations: a comment in column 1 whose text starts (after
// spaces) with METADATA opens a block; the block takes the comments that
// follow on the next lines in column 1, up to one that is itself a METADATA
// comment.
bool is_metadata_comment(const Comment& c) {
  if (c.loc.column != 1) return false;
  std::string_view t = c.text;
  while (!t.empty() && (t.front() == ' ' || t.front() == '\t' || t.front() == '\v' || t.front() == '\f')) {
    t.remove_prefix(1);
  }
  return t.substr(0, 8) == "METADATA";
}

std::vector<MetadataBlock> metadata_blocks(const std::vector<Comment>& comments) {
  std::vector<MetadataBlock> out;
  for (size_t i = 0; i < comments.size(); ++i) {
    if (!is_metadata_comment(comments[i])) continue;
    MetadataBlock block;
    block.loc = comments[i].loc;
    for (size_t j = i + 1; j < comments.size(); ++j) {
      const Comment& c = comments[j];
      if (c.loc.column != 1 || c.loc.line != comments[j - 1].loc.line + 1 || is_metadata_comment(c)) break;
      std::string_view line = c.text;
      if (!line.empty() && line.front() == ' ') line.remove_prefix(1);
      block.yaml.append(line);
      block.yaml.push_back('\n');
    }
    out.push_back(std::move(block));
  }
  return out;
}

}  // namespace

ParseResult parse_module(std::string_view file, std::string_view text, RegoVersion version) {
  ParseResult result;
  std::vector<Token> tokens;
  std::vector<Comment> comments;
  if (!tokenize(text, file, &tokens, &result.errors, &comments)) return result;
  Parser parser(file, tokens, version, result.errors);
  result.module = parser.module();
  if (!result.errors.empty()) result.module.reset();
  if (result.module) result.module->metadata = metadata_blocks(comments);
  return result;
}

ParseResult parse_module_any(std::string_view file, std::string_view text) {
  ParseResult v1 = parse_module(file, text, RegoVersion::V1);
  if (v1.module) return v1;
  return parse_module(file, text, RegoVersion::V0);
}

std::optional<Query> parse_query(std::string_view text, RegoVersion version, std::vector<Error>& errors,
                                 std::string_view file) {
  std::vector<Token> tokens;
  const size_t before = errors.size();
  if (!tokenize(text, file, &tokens, &errors)) return std::nullopt;
  Parser parser(file, tokens, version, errors);
  auto q = parser.query();
  if (errors.size() > before) return std::nullopt;
  return q;
}

std::optional<Term> parse_term(std::string_view text, std::vector<Error>& errors) {
  std::vector<Token> tokens;
  const size_t before = errors.size();
  if (!tokenize(text, "term", &tokens, &errors)) return std::nullopt;
  Parser parser("term", tokens, RegoVersion::V1, errors);
  auto t = parser.single_term();
  if (errors.size() > before) return std::nullopt;
  return t;
}

}  // namespace tollgate::rego
