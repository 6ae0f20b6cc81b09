#include "rules/rego/ast_text.h"

#include <cstdio>
#include <string_view>

#include "rules/rego/number.h"

namespace tollgate::rego {

namespace {

void append_quoted(std::string_view s, bool escape_brace, std::string& out) {
  for (char c : s) {
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      case '{':
        if (escape_brace) out += '\\';
        out += c;
        break;
      default:
        if (static_cast<unsigned char>(c) < 0x20) {
          char buf[8];
          std::snprintf(buf, sizeof buf, "\\u%04x", static_cast<unsigned>(static_cast<unsigned char>(c)));
          out += buf;
        } else {
          out += c;
        }
    }
  }
}

// `.name` is how a string ref operand prints when it is a name; keywords are
// fine there (`input.else`), as the parser accepts them.
bool is_name(std::string_view s) {
  if (s.empty()) return false;
  for (size_t i = 0; i < s.size(); ++i) {
    const char c = s[i];
    const bool letter = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
    if (!letter && !(i > 0 && c >= '0' && c <= '9')) return false;
  }
  return true;
}

bool is_string_term(const Term& t) { return t.kind == TermKind::Scalar && t.value.is_string(); }

// The builtin name of a call operator: "plus", "regex.match", "internal.member_2".
std::string operator_text(const Term& op) {
  if (op.kind == TermKind::Var) return op.name;
  if (op.kind == TermKind::Ref && op.items[0].kind == TermKind::Var) {
    std::string s = op.items[0].name;
    for (size_t i = 1; i < op.items.size(); ++i) {
      if (!is_string_term(op.items[i])) return {};
      s += '.' + op.items[i].value.as_string();
    }
    return s;
  }
  return {};
}

struct Infix {
  const char* symbol;
  int precedence;  // as the parser binds them; 0 is `in`
};

const Infix* infix_of(std::string_view name) {
  static constexpr std::pair<std::string_view, Infix> kInfix[] = {
      {"equal", {"==", 1}}, {"neq", {"!=", 1}}, {"lt", {"<", 1}},  {"lte", {"<=", 1}}, {"gt", {">", 1}},
      {"gte", {">=", 1}},   {"or", {"|", 2}},   {"and", {"&", 3}}, {"plus", {"+", 4}}, {"minus", {"-", 4}},
      {"mul", {"*", 5}},    {"div", {"/", 5}},  {"rem", {"%", 5}},
  };
  for (const auto& [n, infix] : kInfix) {
    if (n == name) return &infix;
  }
  return nullptr;
}

// Binding strength of a term printed as an operand: infix calls bind as
// their operator, membership loosest, everything else tightest.
int precedence_of(const Term& t) {
  if (t.kind != TermKind::Call) return 100;
  const std::string name = operator_text(t.items[0]);
  if ((name == "internal.member_2" && t.items.size() == 3) || (name == "internal.member_3" && t.items.size() == 4)) {
    return 0;
  }
  const Infix* infix = infix_of(name);
  return infix && t.items.size() == 3 ? infix->precedence : 100;
}

void write_term(const Term& t, std::string& out);
void write_query(const Query& q, std::string& out);
void write_expr(const Expr& e, std::string& out);

void write_operand(const Term& t, int min_precedence, std::string& out) {
  if (precedence_of(t) < min_precedence) {
    out += '(';
    write_term(t, out);
    out += ')';
  } else {
    write_term(t, out);
  }
}

void write_list(const std::vector<Term>& items, size_t from, std::string& out) {
  for (size_t i = from; i < items.size(); ++i) {
    if (i > from) out += ", ";
    write_term(items[i], out);
  }
}

void write_scalar(const Value& v, std::string& out) {
  if (v.is_null()) {
    out += "null";
  } else if (v.is_bool()) {
    out += v.as_bool() ? "true" : "false";
  } else if (v.is_string()) {
    out += '"';
    append_quoted(v.as_string(), false, out);
    out += '"';
  } else {
    out += number_text(v);
  }
}

// $"..." from the internal.template_string call the parser builds.
void write_template(const Term& parts, std::string& out) {
  out += "$\"";
  for (const auto& p : parts.items) {
    if (is_string_term(p)) {
      append_quoted(p.value.as_string(), true, out);
      continue;
    }
    out += '{';
    if (p.kind == TermKind::SetCompr && p.body && p.body->exprs.size() == 1 && p.body->exprs[0].terms.size() == 2) {
      write_term(p.body->exprs[0].terms[1], out);
    } else {
      write_term(p, out);
    }
    out += '}';
  }
  out += '"';
}

void write_call(const Term& t, std::string& out) {
  const std::string name = operator_text(t.items[0]);
  const size_t nargs = t.items.size() - 1;
  if (name == "internal.member_2" && nargs == 2) {
    write_operand(t.items[1], 1, out);
    out += " in ";
    write_operand(t.items[2], 1, out);
    return;
  }
  if (name == "internal.member_3" && nargs == 3) {
    write_operand(t.items[1], 1, out);
    out += ", ";
    write_operand(t.items[2], 1, out);
    out += " in ";
    write_operand(t.items[3], 1, out);
    return;
  }
  if (name == "internal.template_string" && nargs == 1 && t.items[1].kind == TermKind::Array) {
    write_template(t.items[1], out);
    return;
  }
  if (const Infix* infix = infix_of(name); infix && nargs == 2) {
    // Left-associative: a right operand of the same strength needs parentheses.
    write_operand(t.items[1], infix->precedence, out);
    out += ' ';
    out += infix->symbol;
    out += ' ';
    write_operand(t.items[2], infix->precedence + 1, out);
    return;
  }
  if (name.empty()) {
    write_term(t.items[0], out);
  } else {
    out += name;
  }
  out += '(';
  write_list(t.items, 1, out);
  out += ')';
}

void write_ref(const Term& t, std::string& out) {
  const Term& head = t.items[0];
  if (head.kind == TermKind::Var) {
    out += head.name;
  } else {
    write_operand(head, 100, out);
  }
  for (size_t i = 1; i < t.items.size(); ++i) {
    const Term& op = t.items[i];
    if (is_string_term(op) && is_name(op.value.as_string())) {
      out += '.';
      out += op.value.as_string();
    } else {
      out += '[';
      write_term(op, out);
      out += ']';
    }
  }
}

void write_term(const Term& t, std::string& out) {
  switch (t.kind) {
    case TermKind::Scalar: write_scalar(t.value, out); return;
    case TermKind::Var: out += t.name; return;
    case TermKind::Ref: write_ref(t, out); return;
    case TermKind::Array:
      out += '[';
      write_list(t.items, 0, out);
      out += ']';
      return;
    case TermKind::Set:
      if (t.items.empty()) {
        out += "set()";
        return;
      }
      out += '{';
      write_list(t.items, 0, out);
      out += '}';
      return;
    case TermKind::Object:
      out += '{';
      for (size_t i = 0; i < t.entries.size(); ++i) {
        if (i > 0) out += ", ";
        write_term(t.entries[i].first, out);
        out += ": ";
        write_term(t.entries[i].second, out);
      }
      out += '}';
      return;
    case TermKind::ArrayCompr:
    case TermKind::SetCompr:
    case TermKind::ObjectCompr:
      out += t.kind == TermKind::ArrayCompr ? '[' : '{';
      write_term(t.items[0], out);
      if (t.kind == TermKind::ObjectCompr) {
        out += ": ";
        write_term(t.items[1], out);
      }
      out += " | ";
      if (t.body) write_query(*t.body, out);
      out += t.kind == TermKind::ArrayCompr ? ']' : '}';
      return;
    case TermKind::Call: write_call(t, out); return;
  }
}

void write_query(const Query& q, std::string& out) {
  for (size_t i = 0; i < q.exprs.size(); ++i) {
    if (i > 0) out += "; ";
    write_expr(q.exprs[i], out);
  }
}

void write_in_terms(const std::vector<Term>& terms, std::string& out) {
  for (size_t i = 0; i + 1 < terms.size(); ++i) {
    if (i > 0) out += ", ";
    write_term(terms[i], out);
  }
  out += " in ";
  if (!terms.empty()) write_term(terms.back(), out);
}

void write_expr(const Expr& e, std::string& out) {
  if (e.negated) out += "not ";
  switch (e.kind) {
    case ExprKind::Term:
      if (!e.terms.empty()) write_term(e.terms[0], out);
      break;
    case ExprKind::Unify:
    case ExprKind::Assign:
      write_term(e.terms[0], out);
      out += e.kind == ExprKind::Unify ? " = " : " := ";
      write_term(e.terms[1], out);
      break;
    case ExprKind::SomeDecl:
      out += "some ";
      write_list(e.terms, 0, out);
      break;
    case ExprKind::SomeIn:
      out += "some ";
      write_in_terms(e.terms, out);
      break;
    case ExprKind::Every:
      out += "every ";
      write_in_terms(e.terms, out);
      out += " { ";
      if (e.body) write_query(*e.body, out);
      out += " }";
      break;
  }
  for (const auto& w : e.with) {
    out += " with ";
    write_term(w.target, out);
    out += " as ";
    write_term(w.value, out);
  }
}

}  // namespace

std::string to_text(const Term& term) {
  std::string out;
  write_term(term, out);
  return out;
}

std::string to_text(const Expr& expr) {
  std::string out;
  write_expr(expr, out);
  return out;
}

std::string to_text(const Rule& rule) {
  std::string out;
  if (rule.is_default) out += "default ";
  write_term(rule.ref, out);
  if (rule.kind == RuleKind::Function) {
    out += '(';
    write_list(rule.args, 0, out);
    out += ')';
  }
  if (rule.kind == RuleKind::PartialSet && rule.key) {
    out += " contains ";
    write_term(*rule.key, out);
    return out;
  }
  if (rule.value) {
    out += rule.assign ? " := " : " = ";
    write_term(*rule.value, out);
  }
  return out;
}

}  // namespace tollgate::rego
