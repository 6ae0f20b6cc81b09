// Values shared by queries that differ only outside input.<key>.
//
// Gatekeeper evaluates a template once per constraint with
// input = {"parameters": <the constraint's>, "review": R}: every part of the
// evaluation that reads input.review alone gives the same value for all the
// constraints of one review (`provided := {l | input.review.object.metadata.labels[l]}`).
// A SharedInputMemo handed to each of those queries (QueryOptions::shared_memo)
// keeps the values of comprehensions that read nothing but input.<key> and
// their own variables: no other part of input, no data, no function, no
// non-deterministic builtin, no print, no `with`; and where the constant
// start of a ref `input.<key>.a.b[...]` leads. The first query computes
// them, the next ones reuse them.
//
// Valid for queries whose input's <key> member is the same Value (the memo
// checks it and starts over when it changed) against policies that stay alive
// while the memo is used. One memo per thread: not synchronised.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "rules/value/value.h"

namespace tollgate::rego {

namespace ir {
struct Term;
}
namespace eval {
class Evaluator;
}

class SharedInputMemo {
 public:
  SharedInputMemo() : key_(review_key()), key_text_(key_.as_string()) {}
  explicit SharedInputMemo(std::string_view key) : key_(value::Value::string(key)), key_text_(key) {}
  SharedInputMemo(const SharedInputMemo&) = delete;
  SharedInputMemo& operator=(const SharedInputMemo&) = delete;

  // Comprehension values computed so far (tests, diagnostics).
  size_t size() const {
    size_t n = 0;
    for (const auto& [term, e] : entries_) n += e.value.has_value() ? 1 : 0;
    return n;
  }

 private:
  friend class eval::Evaluator;
  // "review", per thread: a memo per request builds no string.
  static const value::Value& review_key() {
    thread_local const value::Value key = value::Value::string("review");
    return key;
  }
  struct Entry {
    bool shareable = false;
    std::vector<uint32_t> slots;  // every local the comprehension names: unbound on entry when it is its own
    std::optional<value::Value> value;
  };
  struct Walk {
    size_t end;                  // the ref's operands before it are constants walked
    const value::Value* value;   // where they lead (into the member or the ref's constants); null: undefined
  };
  // Whether `input` still holds the member the values were computed from;
  // clears them when it does not.
  bool bind(const value::Value& input);

  // Whether v is the string key_ (without value::compare: asked per ref).
  bool is_key(const value::Value& v) const { return v.is_string() && v.as_string() == key_text_; }

  value::Value key_;
  std::string key_text_;
  value::Value member_;  // held: its node cannot be reused by another value while kept
  const void* member_node_ = nullptr;
  std::unordered_map<const ir::Term*, Entry> entries_;
  std::unordered_map<const void*, Walk> walks_;  // by ref term, or by rule index guard
};

}  // namespace tollgate::rego
