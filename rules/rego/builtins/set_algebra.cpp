#include "rules/rego/builtins/set_algebra.h"

#include <vector>

#include "rules/rego/number.h"

namespace tollgate::rego {

using value::Value;

namespace {

enum class Keep { OnlyA, Both, Either };

// A run of equal members of one set: [begin, end), at most a number not
// written as an integer followed by an equal integer (Value::set).
struct Run {
  const Value* begin;
  const Value* end;
  bool empty() const { return begin == end; }
  // OPA's set.Contains: an integer finds only an integer member.
  bool contains(const Value& x) const {
    for (const Value* it = begin; it != end; ++it) {
      if (opa_key_finds(x, *it)) return true;
    }
    return false;
  }
};

// OPA's set.insert of x into a run being built.
void insert(std::vector<Value>& out, size_t run_start, const Value& x) {
  for (size_t k = run_start; k < out.size(); ++k) {
    if (opa_key_finds(x, out[k])) return;
  }
  out.push_back(x);
}

Value merge(const Value& a, const Value& b, Keep keep) {
  const std::vector<Value>& x = a.items();
  const std::vector<Value>& y = b.items();
  if (y.empty() && keep != Keep::Both) return a;
  if (x.empty() && keep == Keep::Either) return b;
  // OPA's Intersect walks the smaller set (the first one on a tie) and keeps
  // its members the other contains.
  const bool from_a = x.size() <= y.size();
  std::vector<Value> out;
  out.reserve(keep == Keep::Either ? x.size() + y.size() : x.size());
  size_t i = 0, j = 0;
  while (i < x.size() || j < y.size()) {
    int c = i == x.size() ? 1 : j == y.size() ? -1 : value::compare(x[i], y[j]);
    if (c < 0) {
      if (keep != Keep::Both) out.push_back(x[i]);
      ++i;
      continue;
    }
    if (c > 0) {
      if (keep == Keep::Either) out.push_back(y[j]);
      ++j;
      continue;
    }
    size_t i2 = i + 1, j2 = j + 1;
    while (i2 < x.size() && value::compare(x[i], x[i2]) == 0) ++i2;
    while (j2 < y.size() && value::compare(y[j], y[j2]) == 0) ++j2;
    Run rx{x.data() + i, x.data() + i2}, ry{y.data() + j, y.data() + j2};
    const size_t run_start = out.size();
    switch (keep) {
      case Keep::Either:
        for (const Value* it = rx.begin; it != rx.end; ++it) insert(out, run_start, *it);
        for (const Value* it = ry.begin; it != ry.end; ++it) insert(out, run_start, *it);
        break;
      case Keep::OnlyA:
        for (const Value* it = rx.begin; it != rx.end; ++it) {
          if (!ry.contains(*it)) out.push_back(*it);
        }
        break;
      case Keep::Both: {
        const Run& walked = from_a ? rx : ry;
        const Run& other = from_a ? ry : rx;
        for (const Value* it = walked.begin; it != walked.end; ++it) {
          if (other.contains(*it)) out.push_back(*it);
        }
        break;
      }
    }
    i = i2;
    j = j2;
  }
  return Value::set(std::move(out));
}

}  // namespace

Value set_difference(const Value& a, const Value& b) { return merge(a, b, Keep::OnlyA); }
Value set_intersection(const Value& a, const Value& b) { return merge(a, b, Keep::Both); }
Value set_union(const Value& a, const Value& b) { return merge(a, b, Keep::Either); }

}  // namespace tollgate::rego
