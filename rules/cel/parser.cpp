// Recursive-descent CEL parser reproducing cel-go's ANTLR grammar and visitor:
// operator names, literal folding of a single leading '-', balanced trees for
// chains of && and ||, macro expansion, and the recursion and size limits.
#include <charconv>
#include <cmath>
#include <string>
#include <unordered_set>

#include "rules/cel/parser.h"

namespace tollgate::cel {

using value::Value;

ExprPtr ExprFactory::global_call(const SourcePosition& at, std::string function, std::vector<ExprPtr> args) {
  return make(at, CallExpr{std::move(function), nullptr, std::move(args)});
}

ExprPtr ExprFactory::member_call(const SourcePosition& at, std::string function, ExprPtr target,
                                 std::vector<ExprPtr> args) {
  return make(at, CallExpr{std::move(function), std::move(target), std::move(args)});
}

ExprPtr ExprFactory::list(const SourcePosition& at, std::vector<ExprPtr> elements) {
  return make(at, ListExpr{std::move(elements), {}});
}

ExprPtr ExprFactory::copy(const Expr& e) {
  const SourcePosition at{e.line, e.column, e.offset};
  const auto copy_or_null = [this](const ExprPtr& p) { return p ? copy(*p) : nullptr; };
  if (const auto* c = std::get_if<ConstExpr>(&e.kind)) return make(at, *c);
  if (const auto* i = std::get_if<IdentExpr>(&e.kind)) return make(at, *i);
  if (const auto* s = std::get_if<SelectExpr>(&e.kind))
    return make(at, SelectExpr{copy_or_null(s->operand), s->field, s->test_only, s->optional});
  if (const auto* c = std::get_if<CallExpr>(&e.kind)) {
    CallExpr out{c->function, copy_or_null(c->target), {}};
    for (const auto& a : c->args) out.args.push_back(copy(*a));
    return make(at, std::move(out));
  }
  if (const auto* l = std::get_if<ListExpr>(&e.kind)) {
    ListExpr out{{}, l->optional_indices};
    for (const auto& el : l->elements) out.elements.push_back(copy(*el));
    return make(at, std::move(out));
  }
  if (const auto* m = std::get_if<MapExpr>(&e.kind)) {
    MapExpr out;
    for (const auto& en : m->entries) out.entries.push_back(MapEntry{copy(*en.key), copy(*en.value), en.optional});
    return make(at, std::move(out));
  }
  if (const auto* s = std::get_if<StructExpr>(&e.kind)) {
    StructExpr out{s->type_name, {}};
    for (const auto& f : s->fields) out.fields.push_back(StructField{f.name, copy(*f.value), f.optional});
    return make(at, std::move(out));
  }
  const auto& c = std::get<ComprehensionExpr>(e.kind);
  return make(at, ComprehensionExpr{c.iter_var, c.iter_var2, copy_or_null(c.iter_range), c.accu_var,
                                    copy_or_null(c.accu_init), copy_or_null(c.loop_condition),
                                    copy_or_null(c.loop_step), copy_or_null(c.result)});
}

namespace {

constexpr const char* kExpressionStart =
    "{'[', '{', '(', '.', '-', '!', 'true', 'false', 'null', NUM_FLOAT, NUM_INT, NUM_UINT, STRING, BYTES, IDENTIFIER}";

// What may name a field after `.?` or `?` (cel-go's escapeIdent rule).
constexpr const char* kFieldNameStart = "{IDENTIFIER, ESC_IDENTIFIER}";

bool is_reserved(std::string_view name) {
  static const std::unordered_set<std::string_view> reserved = {
      "as",     "break",     "const",  "continue", "else", "for",  "function", "if",   "import",
      "let",    "loop",      "package", "namespace", "return", "var", "void",   "while",
  };
  return reserved.count(name) != 0;
}

const char* binary_function(TokenKind k) {
  switch (k) {
    case TokenKind::EqualEqual: return "_==_";
    case TokenKind::NotEqual: return "_!=_";
    case TokenKind::Less: return "_<_";
    case TokenKind::LessEqual: return "_<=_";
    case TokenKind::Greater: return "_>_";
    case TokenKind::GreaterEqual: return "_>=_";
    case TokenKind::In: return "@in";
    case TokenKind::Plus: return "_+_";
    case TokenKind::Minus: return "_-_";
    case TokenKind::Star: return "_*_";
    case TokenKind::Slash: return "_/_";
    case TokenKind::Percent: return "_%_";
    default: return nullptr;
  }
}

bool is_relation(TokenKind k) {
  return k == TokenKind::EqualEqual || k == TokenKind::NotEqual || k == TokenKind::Less ||
         k == TokenKind::LessEqual || k == TokenKind::Greater || k == TokenKind::GreaterEqual || k == TokenKind::In;
}

// Thrown after the first error has been recorded; parse() catches it.
struct ParseAbort {};

// Decides overflow versus underflow for a decimal literal std::from_chars
// rejected as out of range: Go's ParseFloat (which cel-go uses) fails on
// overflow but quietly rounds underflow to zero.
bool decimal_overflows(std::string_view text) {
  if (!text.empty() && text.front() == '-') text.remove_prefix(1);
  const size_t e = text.find_first_of("eE");
  long exponent = 0;
  if (e != std::string_view::npos) {
    std::string_view exp = text.substr(e + 1);
    if (!exp.empty() && exp.front() == '+') exp.remove_prefix(1);
    const auto r = std::from_chars(exp.data(), exp.data() + exp.size(), exponent);
    if (r.ec != std::errc()) return exp.front() != '-';
  }
  const std::string_view mantissa = text.substr(0, e);
  const size_t dot = mantissa.find('.');
  const std::string_view whole = mantissa.substr(0, dot);
  const size_t first_nonzero = whole.find_first_not_of('0');
  long magnitude;
  if (first_nonzero != std::string_view::npos) {
    magnitude = static_cast<long>(whole.size() - first_nonzero) - 1;
  } else {
    const std::string_view frac = dot == std::string_view::npos ? std::string_view() : mantissa.substr(dot + 1);
    const size_t nz = frac.find_first_not_of('0');
    if (nz == std::string_view::npos) return false;
    magnitude = -static_cast<long>(nz) - 1;
  }
  return exponent > -magnitude;  // magnitude + exponent > 0, without overflow for an exponent near LONG_MAX
}

class Parser {
 public:
  Parser(const std::vector<Token>& tokens, const ParseOptions& options, ExprFactory& factory)
      : tokens_(tokens), options_(options), f_(factory) {}

  ExprPtr parse_start() {
    ExprPtr e = parse_expr();
    if (peek().kind != TokenKind::End) syntax_error(peek(), "<EOF>");
    return e;
  }

  const ParseError& error() const { return error_; }

 private:
  // Counts nesting the way cel-go's recursion listener does: every nested
  // expression and every link of a left-recursive chain (relations,
  // arithmetic, member access) adds a level until its rule finishes.
  class Nesting {
   public:
    explicit Nesting(Parser& p) : p_(p) {}
    ~Nesting() { p_.depth_ -= levels_; }
    Nesting(const Nesting&) = delete;
    Nesting& operator=(const Nesting&) = delete;
    void enter(const Token& at) {
      ++levels_;
      if (++p_.depth_ > p_.options_.max_recursion_depth)
        p_.fail(at.position, "expression recursion limit exceeded: " + std::to_string(p_.options_.max_recursion_depth));
    }

   private:
    Parser& p_;
    int levels_ = 0;
  };

  const Token& peek(size_t k = 0) const {
    const size_t i = pos_ + k;
    return i < tokens_.size() ? tokens_[i] : tokens_.back();
  }
  const Token& next() {
    const Token& t = tokens_[pos_];
    if (pos_ + 1 < tokens_.size()) ++pos_;
    return t;
  }
  bool accept(TokenKind k) {
    if (peek().kind != k) return false;
    next();
    return true;
  }
  const Token& expect(TokenKind k, const char* expected) {
    if (peek().kind != k) syntax_error(peek(), expected);
    return next();
  }

  [[noreturn]] void fail(const SourcePosition& at, std::string message) {
    error_.message = std::move(message);
    error_.line = at.line;
    error_.column = at.column;
    throw ParseAbort{};
  }
  [[noreturn]] void syntax_error(const Token& at, const std::string& expected) {
    fail(at.position, "Syntax error: mismatched input " + describe_token(at) + " expecting " + expected);
  }

  void require_optional_syntax(const Token& at, const char* syntax) {
    if (!options_.enable_optional_syntax) fail(at.position, std::string("unsupported syntax '") + syntax + "'");
  }

  // expr: conditionalOr ['?' conditionalOr ':' expr]
  ExprPtr parse_expr() {
    Nesting nesting(*this);
    nesting.enter(peek());
    ExprPtr condition = parse_logical(TokenKind::OrOr, "_||_", &Parser::parse_and);
    if (peek().kind != TokenKind::Question) return condition;
    const Token& question = next();
    ExprPtr if_true = parse_logical(TokenKind::OrOr, "_||_", &Parser::parse_and);
    expect(TokenKind::Colon, "':'");
    ExprPtr if_false = parse_expr();
    return f_.global_call(question.position, "_?_:_",
                          expr_list(std::move(condition), std::move(if_true), std::move(if_false)));
  }

  ExprPtr parse_and() { return parse_logical(TokenKind::AndAnd, "_&&_", &Parser::parse_relation); }

  // A chain of || (or &&) becomes a balanced tree, as cel-go's balancer
  // builds it, so long chains do not produce deep trees.
  ExprPtr parse_logical(TokenKind op, const char* function, ExprPtr (Parser::*operand)()) {
    std::vector<ExprPtr> terms;
    std::vector<SourcePosition> ops;
    terms.push_back((this->*operand)());
    while (peek().kind == op) {
      ops.push_back(next().position);
      terms.push_back((this->*operand)());
    }
    if (ops.empty()) return std::move(terms[0]);
    return balanced(terms, ops, function, 0, ops.size() - 1);
  }

  ExprPtr balanced(std::vector<ExprPtr>& terms, const std::vector<SourcePosition>& ops, const char* function, size_t lo,
                   size_t hi) {
    const size_t mid = (lo + hi + 1) / 2;
    ExprPtr left = mid == lo ? std::move(terms[mid]) : balanced(terms, ops, function, lo, mid - 1);
    ExprPtr right = mid == hi ? std::move(terms[mid + 1]) : balanced(terms, ops, function, mid + 1, hi);
    return f_.global_call(ops[mid], function, expr_list(std::move(left), std::move(right)));
  }

  // relation: calc {relop calc}, left-associative, every relop at one level.
  ExprPtr parse_relation() {
    Nesting chain(*this);
    ExprPtr lhs = parse_addition();
    while (is_relation(peek().kind)) {
      const Token& op = next();
      chain.enter(op);
      ExprPtr rhs = parse_addition();
      lhs = f_.global_call(op.position, binary_function(op.kind), expr_list(std::move(lhs), std::move(rhs)));
    }
    return lhs;
  }

  ExprPtr parse_addition() {
    Nesting chain(*this);
    ExprPtr lhs = parse_multiplication();
    while (peek().kind == TokenKind::Plus || peek().kind == TokenKind::Minus) {
      const Token& op = next();
      chain.enter(op);
      ExprPtr rhs = parse_multiplication();
      lhs = f_.global_call(op.position, binary_function(op.kind), expr_list(std::move(lhs), std::move(rhs)));
    }
    return lhs;
  }

  ExprPtr parse_multiplication() {
    Nesting chain(*this);
    ExprPtr lhs = parse_unary();
    while (peek().kind == TokenKind::Star || peek().kind == TokenKind::Slash || peek().kind == TokenKind::Percent) {
      const Token& op = next();
      chain.enter(op);
      ExprPtr rhs = parse_unary();
      lhs = f_.global_call(op.position, binary_function(op.kind), expr_list(std::move(lhs), std::move(rhs)));
    }
    return lhs;
  }

  // unary: member | '!'+ member | '-'+ member. Like cel-go, an even number
  // of operators cancels out, and a single '-' directly before an int or
  // double literal belongs to the literal (ANTLR prefers that alternative).
  ExprPtr parse_unary() {
    const TokenKind k = peek().kind;
    if (k != TokenKind::Bang && k != TokenKind::Minus) return parse_member();
    size_t count = 0;
    while (peek(count).kind == k) ++count;
    if (k == TokenKind::Minus && count == 1 &&
        (peek(1).kind == TokenKind::IntLit || peek(1).kind == TokenKind::DoubleLit)) {
      return parse_member();
    }
    const Token& first = peek();
    for (size_t i = 0; i < count; ++i) next();
    ExprPtr operand = parse_member();
    if (count % 2 == 0) return operand;
    return call_or_macro(first.position, k == TokenKind::Bang ? "!_" : "-_", nullptr, expr_list(std::move(operand)));
  }

  // member: primary { '.' ['?'] IDENT ['(' args ')'] | '[' ['?'] expr ']' }
  ExprPtr parse_member() {
    Nesting chain(*this);
    ExprPtr e = parse_primary();
    while (true) {
      if (peek().kind == TokenKind::Dot) {
        const Token& dot = next();
        chain.enter(dot);
        bool optional = false;
        if (peek().kind == TokenKind::Question) {
          require_optional_syntax(dot, ".?");
          next();
          optional = true;
        }
        // A receiver call needs a plain IDENTIFIER: a.`b`() is a select
        // followed by a stray '('.
        if (!optional && peek().kind == TokenKind::Ident && peek(1).kind == TokenKind::LParen) {
          const std::string function(next().text);
          const Token& open = next();
          std::vector<ExprPtr> args = parse_call_args();
          e = call_or_macro(open.position, function, std::move(e), std::move(args));
        } else {
          std::string field = parse_field_name(optional ? kFieldNameStart : "IDENTIFIER");
          e = f_.make(dot.position, SelectExpr{std::move(e), std::move(field), false, optional});
        }
      } else if (peek().kind == TokenKind::LBracket) {
        const Token& open = next();
        chain.enter(open);
        bool optional = false;
        if (peek().kind == TokenKind::Question) {
          require_optional_syntax(open, "[?");
          next();
          optional = true;
        }
        ExprPtr index = parse_expr();
        expect(TokenKind::RBracket, "']'");
        e = f_.global_call(open.position, optional ? "_[?_]" : "_[_]", expr_list(std::move(e), std::move(index)));
      } else {
        return e;
      }
    }
  }

  // escapeIdent: an IDENTIFIER, or a backtick-quoted name when the option
  // allows it. Returns the field name without the backticks.
  std::string parse_field_name(const std::string& expected) {
    const Token& t = peek();
    if (t.kind == TokenKind::Ident) return std::string(next().text);
    if (t.kind != TokenKind::QuotedIdent) syntax_error(t, expected);
    if (!options_.enable_quoted_identifiers) fail(t.position, "unsupported syntax: '`'");
    next();
    return std::string(t.text.substr(1, t.text.size() - 2));
  }

  // exprList inside '(' ... ')', the '(' already consumed; no trailing comma.
  std::vector<ExprPtr> parse_call_args() {
    std::vector<ExprPtr> args;
    if (accept(TokenKind::RParen)) return args;
    while (true) {
      args.push_back(parse_expr());
      if (accept(TokenKind::RParen)) return args;
      if (!accept(TokenKind::Comma)) syntax_error(peek(), "{')', ','}");
    }
  }

  ExprPtr call_or_macro(const SourcePosition& at, std::string function, ExprPtr target, std::vector<ExprPtr> args) {
    ExprPtr expansion;
    MacroError error;
    switch (expand_macro(f_, at, function, target, args, options_.enable_optional_syntax, &expansion, &error)) {
      case MacroOutcome::Expanded: return expansion;
      case MacroOutcome::Failed: fail(error.position, error.message);
      case MacroOutcome::NotAMacro: break;
    }
    if (target) return f_.member_call(at, std::move(function), std::move(target), std::move(args));
    return f_.global_call(at, std::move(function), std::move(args));
  }

  // Whether the tokens from `k` on read IDENT {'.' IDENT} '{', i.e. a struct
  // construction such as `a.b.Msg{...}`.
  bool struct_ahead(size_t k) const {
    if (peek(k).kind != TokenKind::Ident) return false;
    ++k;
    while (peek(k).kind == TokenKind::Dot && peek(k + 1).kind == TokenKind::Ident) k += 2;
    return peek(k).kind == TokenKind::LBrace;
  }

  ExprPtr parse_primary() {
    const Token& t = peek();
    switch (t.kind) {
      case TokenKind::Dot:
      case TokenKind::Ident: {
        const bool leading_dot = t.kind == TokenKind::Dot;
        if (struct_ahead(leading_dot ? 1 : 0)) return parse_struct(leading_dot);
        if (leading_dot) next();
        const Token& name = expect(TokenKind::Ident, "IDENTIFIER");
        if (is_reserved(name.text)) fail(name.position, "reserved identifier: " + std::string(name.text));
        if (peek().kind == TokenKind::LParen) {
          const Token& open = next();
          std::vector<ExprPtr> args = parse_call_args();
          std::string function = (leading_dot ? "." : "") + std::string(name.text);
          return call_or_macro(open.position, std::move(function), nullptr, std::move(args));
        }
        return f_.make(name.position, IdentExpr{std::string(name.text), leading_dot});
      }
      case TokenKind::LParen: {
        next();
        ExprPtr e = parse_expr();
        expect(TokenKind::RParen, "')'");
        return e;
      }
      case TokenKind::LBracket: return parse_list();
      case TokenKind::LBrace: return parse_map();
      case TokenKind::Minus:
        // Only a sign directly before an int or double literal gets here
        // as a primary (see parse_unary); `!-a` is a syntax error.
        if (peek(1).kind != TokenKind::IntLit && peek(1).kind != TokenKind::DoubleLit) syntax_error(t, kExpressionStart);
        return parse_literal();
      case TokenKind::IntLit:
      case TokenKind::UintLit:
      case TokenKind::DoubleLit:
      case TokenKind::StringLit:
      case TokenKind::BytesLit:
      case TokenKind::True:
      case TokenKind::False:
      case TokenKind::Null: return parse_literal();
      default: syntax_error(t, kExpressionStart);
    }
  }

  // Parses `open [',' ] close` or `open entry {',' entry} [','] close`; the
  // grammar allows a lone trailing comma even in an empty literal.
  template <class ParseEntry>
  void parse_initializers(TokenKind close, const char* close_text, ParseEntry&& entry) {
    next();  // the opening bracket
    if (peek().kind == TokenKind::Comma && peek(1).kind == close) next();
    while (peek().kind != close) {
      entry();
      if (!accept(TokenKind::Comma)) break;
    }
    if (peek().kind != close) syntax_error(peek(), std::string("{'") + close_text + "', ','}");
    next();
  }

  ExprPtr parse_list() {
    const Token& open = peek();
    ListExpr list;
    parse_initializers(TokenKind::RBracket, "]", [&] {
      if (peek().kind == TokenKind::Question) {
        require_optional_syntax(peek(), "?");
        next();
        list.optional_indices.push_back(list.elements.size());
      }
      list.elements.push_back(parse_expr());
    });
    return f_.make(open.position, std::move(list));
  }

  ExprPtr parse_map() {
    const Token& open = peek();
    MapExpr map;
    parse_initializers(TokenKind::RBrace, "}", [&] {
      MapEntry entry;
      if (peek().kind == TokenKind::Question) {
        require_optional_syntax(peek(), "?");
        next();
        entry.optional = true;
      }
      entry.key = parse_expr();
      expect(TokenKind::Colon, "':'");
      entry.value = parse_expr();
      map.entries.push_back(std::move(entry));
    });
    return f_.make(open.position, std::move(map));
  }

  ExprPtr parse_struct(bool leading_dot) {
    std::string type_name;
    if (leading_dot) {
      next();
      type_name = ".";
    }
    type_name += next().text;
    while (peek().kind == TokenKind::Dot) {
      next();
      type_name += '.';
      type_name += next().text;
    }
    const Token& open = peek();
    StructExpr message{std::move(type_name), {}};
    parse_initializers(TokenKind::RBrace, "}", [&] {
      StructField field;
      const char* expected = message.fields.empty() ? "{'}', ',', '?', IDENTIFIER, ESC_IDENTIFIER}"
                                                    : "{'}', '?', IDENTIFIER, ESC_IDENTIFIER}";
      if (peek().kind == TokenKind::Question) {
        require_optional_syntax(peek(), "?");
        next();
        field.optional = true;
        expected = kFieldNameStart;
      }
      field.name = parse_field_name(expected);
      expect(TokenKind::Colon, "':'");
      field.value = parse_expr();
      message.fields.push_back(std::move(field));
    });
    return f_.make(open.position, std::move(message));
  }

  ExprPtr parse_literal() {
    const Token& first = next();
    std::string sign;
    const Token* tok = &first;
    if (first.kind == TokenKind::Minus) {
      sign = "-";
      tok = &next();  // parse_primary checked that an int or double literal follows
    }
    const SourcePosition& at = first.position;
    const std::string_view text = tok->text;
    switch (tok->kind) {
      case TokenKind::IntLit: {
        std::string digits = sign;
        int base = 10;
        if (text.size() > 2 && text[0] == '0' && text[1] == 'x') {
          base = 16;
          digits += text.substr(2);
        } else {
          digits += text;
        }
        int64_t v = 0;
        const auto r = std::from_chars(digits.data(), digits.data() + digits.size(), v, base);
        if (r.ec != std::errc() || r.ptr != digits.data() + digits.size()) fail(at, "invalid int literal");
        return f_.literal(at, Value::integer(v));
      }
      case TokenKind::UintLit: {
        std::string_view digits = text.substr(0, text.size() - 1);
        int base = 10;
        if (digits.size() > 2 && digits[0] == '0' && digits[1] == 'x') {
          base = 16;
          digits.remove_prefix(2);
        }
        uint64_t v = 0;
        const auto r = std::from_chars(digits.data(), digits.data() + digits.size(), v, base);
        if (r.ec != std::errc() || r.ptr != digits.data() + digits.size()) fail(at, "invalid uint literal");
        return f_.literal(at, Value::uinteger(v));
      }
      case TokenKind::DoubleLit: {
        const std::string number = sign + std::string(text);
        double v = 0;
        const auto r = std::from_chars(number.data(), number.data() + number.size(), v);
        if (r.ec == std::errc::result_out_of_range) {
          if (decimal_overflows(number)) fail(at, "invalid double literal");
          v = sign.empty() ? 0.0 : -0.0;
        } else if (r.ec != std::errc() || r.ptr != number.data() + number.size()) {
          fail(at, "invalid double literal");
        }
        return f_.literal(at, Value::number(v));
      }
      case TokenKind::StringLit:
      case TokenKind::BytesLit: {
        std::string decoded, problem;
        if (!decode_quoted_literal(text, &decoded, &problem)) fail(at, problem);
        return f_.literal(at, tok->kind == TokenKind::StringLit ? Value::string(std::move(decoded))
                                                                : Value::bytes(std::move(decoded)));
      }
      case TokenKind::True: return f_.literal(at, Value::boolean(true));
      case TokenKind::False: return f_.literal(at, Value::boolean(false));
      case TokenKind::Null: return f_.literal(at, Value::null());
      default: syntax_error(*tok, kExpressionStart);
    }
  }

  const std::vector<Token>& tokens_;
  const ParseOptions& options_;
  ExprFactory& f_;
  size_t pos_ = 0;
  int depth_ = 0;
  ParseError error_;
};

size_t count_code_points(std::string_view s) {
  size_t n = 0;
  for (const char c : s)
    if ((static_cast<unsigned char>(c) & 0xC0) != 0x80) ++n;
  return n;
}

}  // namespace

ParseResult parse(std::string_view source, const ParseOptions& options) {
  ParseResult result;
  const size_t size = count_code_points(source);
  if (size > options.max_expression_size) {
    result.errors.push_back(ParseError{"expression code point size exceeds limit: size: " + std::to_string(size) +
                                           ", limit " + std::to_string(options.max_expression_size),
                                       1, 1});
    return result;
  }
  std::vector<Token> tokens;
  LexError lex_error;
  if (!tokenize(source, &tokens, &lex_error)) {
    result.errors.push_back(ParseError{lex_error.message, lex_error.position.line, lex_error.position.column});
    return result;
  }
  ExprFactory factory;
  Parser parser(tokens, options, factory);
  try {
    result.expr = parser.parse_start();
  } catch (const ParseAbort&) {
    result.expr.reset();
    result.errors.push_back(parser.error());
  }
  return result;
}

}  // namespace tollgate::cel
