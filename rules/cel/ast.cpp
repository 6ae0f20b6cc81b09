// debug_string: a compact, deterministic rendering of the AST.
//
//   literals     1  1u  1.5  "s"  b"\x00"  true  null
//   ident        a   .a (root scope)
//   select       a.f   a.?f (optional)   a.f~test-only (has())
//   call         _+_(a, b)   target.f(a)
//   list / map   [a, ?b]   {k: v, ?k2: v2}
//   struct       pkg.Msg{f: v, ?g: w}
//   comprehension
//     __comprehension__(var: x, [var2: y, ]range: R, accu: @result, init: I, cond: C, step: S, result: E)
#include <charconv>
#include <cstdio>
#include <string>

#include "rules/cel/ast.h"

namespace tollgate::cel {
namespace {

void append_hex_byte(std::string* out, unsigned char b) {
  char buf[5];
  std::snprintf(buf, sizeof buf, "\\x%02x", b);
  out->append(buf);
}

void append_quoted(std::string* out, const std::string& s, bool bytes) {
  if (bytes) out->push_back('b');
  out->push_back('"');
  for (const char ch : s) {
    const auto c = static_cast<unsigned char>(ch);
    switch (c) {
      case '"': out->append("\\\""); continue;
      case '\\': out->append("\\\\"); continue;
      case '\n': out->append("\\n"); continue;
      case '\r': out->append("\\r"); continue;
      case '\t': out->append("\\t"); continue;
      default: break;
    }
    // Strings keep UTF-8 as is; bytes show every non-printable octet.
    if (c < 0x20 || c == 0x7f || (bytes && c >= 0x80)) {
      append_hex_byte(out, c);
    } else {
      out->push_back(ch);
    }
  }
  out->push_back('"');
}

void append_double(std::string* out, double d) {
  char buf[64];
  const auto r = std::to_chars(buf, buf + sizeof buf, d);
  std::string text(buf, r.ptr);
  if (text.find_first_of(".eina") == std::string::npos) text += ".0";
  out->append(text);
}

void append_const(std::string* out, const value::Value& v) {
  using value::Kind;
  switch (v.kind()) {
    case Kind::Null: out->append("null"); break;
    case Kind::Bool: out->append(v.as_bool() ? "true" : "false"); break;
    case Kind::Int: out->append(std::to_string(v.as_int())); break;
    case Kind::Uint: out->append(std::to_string(v.as_uint())).push_back('u'); break;
    case Kind::Double: append_double(out, v.as_double()); break;
    case Kind::String: append_quoted(out, v.as_string(), false); break;
    case Kind::Bytes: append_quoted(out, v.as_string(), true); break;
    default: out->append("<").append(value::kind_name(v.kind())).append(">"); break;
  }
}

class Printer {
 public:
  std::string out;

  void print(const Expr* e) {
    if (e == nullptr) {
      out.append("<null>");
      return;
    }
    std::visit([this](const auto& k) { this->node(k); }, e->kind);
  }

 private:
  void node(const ConstExpr& c) { append_const(&out, c.value); }

  void node(const IdentExpr& i) {
    if (i.root_scope) out.push_back('.');
    out.append(i.name);
  }

  void node(const SelectExpr& s) {
    print(s.operand.get());
    out.append(s.optional ? ".?" : ".");
    out.append(s.field);
    if (s.test_only) out.append("~test-only");
  }

  void node(const CallExpr& c) {
    if (c.target) {
      print(c.target.get());
      out.push_back('.');
    }
    out.append(c.function);
    out.push_back('(');
    for (size_t i = 0; i < c.args.size(); ++i) {
      if (i > 0) out.append(", ");
      print(c.args[i].get());
    }
    out.push_back(')');
  }

  void node(const ListExpr& l) {
    out.push_back('[');
    for (size_t i = 0; i < l.elements.size(); ++i) {
      if (i > 0) out.append(", ");
      for (const size_t o : l.optional_indices)
        if (o == i) out.push_back('?');
      print(l.elements[i].get());
    }
    out.push_back(']');
  }

  void node(const MapExpr& m) {
    out.push_back('{');
    for (size_t i = 0; i < m.entries.size(); ++i) {
      if (i > 0) out.append(", ");
      if (m.entries[i].optional) out.push_back('?');
      print(m.entries[i].key.get());
      out.append(": ");
      print(m.entries[i].value.get());
    }
    out.push_back('}');
  }

  void node(const StructExpr& s) {
    out.append(s.type_name);
    out.push_back('{');
    for (size_t i = 0; i < s.fields.size(); ++i) {
      if (i > 0) out.append(", ");
      if (s.fields[i].optional) out.push_back('?');
      out.append(s.fields[i].name).append(": ");
      print(s.fields[i].value.get());
    }
    out.push_back('}');
  }

  void node(const ComprehensionExpr& c) {
    out.append("__comprehension__(var: ").append(c.iter_var);
    if (!c.iter_var2.empty()) out.append(", var2: ").append(c.iter_var2);
    out.append(", range: ");
    print(c.iter_range.get());
    out.append(", accu: ").append(c.accu_var).append(", init: ");
    print(c.accu_init.get());
    out.append(", cond: ");
    print(c.loop_condition.get());
    out.append(", step: ");
    print(c.loop_step.get());
    out.append(", result: ");
    print(c.result.get());
    out.push_back(')');
  }
};

}  // namespace

std::string debug_string(const Expr& e) {
  Printer p;
  p.print(&e);
  return std::move(p.out);
}

}  // namespace tollgate::cel
