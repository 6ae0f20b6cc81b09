#include "rules/rego/builtins/set_algebra.h"

#include <vector>

namespace tollgate::rego {

using value::Value;

namespace {

enum class Keep { OnlyA, Both, Either };

Value merge(const Value& a, const Value& b, Keep keep) {
  const std::vector<Value>& x = a.items();
  const std::vector<Value>& y = b.items();
  if (y.empty() && keep != Keep::Both) return a;
  if (x.empty() && keep == Keep::Either) return b;
  std::vector<Value> out;
  out.reserve(keep == Keep::Either ? x.size() + y.size() : x.size());
  size_t i = 0, j = 0;
  while (i < x.size() && j < y.size()) {
    int c = value::compare(x[i], y[j]);
    if (c < 0) {
      if (keep != Keep::Both) out.push_back(x[i]);
      ++i;
    } else if (c > 0) {
      if (keep == Keep::Either) out.push_back(y[j]);
      ++j;
    } else {
      if (keep != Keep::OnlyA) out.push_back(x[i]);
      ++i;
      ++j;
    }
  }
  if (keep != Keep::Both) out.insert(out.end(), x.begin() + static_cast<std::ptrdiff_t>(i), x.end());
  if (keep == Keep::Either) out.insert(out.end(), y.begin() + static_cast<std::ptrdiff_t>(j), y.end());
  return Value::set(std::move(out));
}

}  // namespace

Value set_difference(const Value& a, const Value& b) { return merge(a, b, Keep::OnlyA); }
Value set_intersection(const Value& a, const Value& b) { return merge(a, b, Keep::Both); }
Value set_union(const Value& a, const Value& b) { return merge(a, b, Keep::Either); }

}  // namespace tollgate::rego
