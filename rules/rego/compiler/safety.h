// Safety and reordering (rego-notes.md §5 "Safety and reordering").
//
// Every variable must be bound before it is used as an input. Body
// literals are reordered the way OPA does it — repeated passes over the
// remaining literals, taking each one whose inputs are bound, in order — so
// that a literal binding a variable precedes those consuming it; closures
// (comprehensions, `every` bodies) are ordered with the variables bound
// before the literal that holds them. Variables that no order can bind are
// reported as rego_unsafe_var_error "var x is unsafe".
#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

#include "rules/rego/ast.h"
#include "rules/rego/compiler/ir.h"
#include "rules/rego/compiler/scope.h"

namespace tollgate::rego::compiler {

class SlotSet {
 public:
  explicit SlotSet(size_t n = 0) : bits_(n, false) {}
  void add(uint32_t s) {
    if (s >= bits_.size()) bits_.resize(s + 1, false);
    bits_[s] = true;
  }
  bool contains(uint32_t s) const { return s < bits_.size() && bits_[s]; }
  void add_all(const SlotSet& o) {
    for (uint32_t i = 0; i < o.bits_.size(); ++i) {
      if (o.bits_[i]) add(i);
    }
  }
  bool subset_of(const SlotSet& o) const {
    for (uint32_t i = 0; i < bits_.size(); ++i) {
      if (bits_[i] && !o.contains(i)) return false;
    }
    return true;
  }
  std::vector<uint32_t> slots() const {
    std::vector<uint32_t> out;
    for (uint32_t i = 0; i < bits_.size(); ++i) {
      if (bits_[i]) out.push_back(i);
    }
    return out;
  }

 private:
  std::vector<bool> bits_;
};

class SafetyChecker {
 public:
  SafetyChecker(const FrameLayout& frame, std::string_view file, std::vector<Error>& errors)
      : frame_(frame), file_(file), errors_(errors) {}

  // Reorders body; `safe` holds the variables bound before it and, on
  // return, those bound after it. False when some variable is unsafe.
  bool order_body(ir::Body& body, SlotSet& safe);
  // A term evaluated once `safe` is bound (rule heads): its closures are
  // ordered and its variables must all be bound.
  bool check_term(ir::Term& term, const SlotSet& safe);

 private:
  void order_closures(ir::Term& term, const SlotSet& safe);
  void order_closures(ir::Expr& expr, const SlotSet& safe);
  void report_unsafe(const ir::Expr& expr, const SlotSet& unsafe);

  const FrameLayout& frame_;
  std::string_view file_;
  std::vector<Error>& errors_;
  bool ok_ = true;
};

// Every slot a term uses (closures contribute the outer slots they capture).
void term_vars(const ir::Term& t, SlotSet& out);
// The slots an expression binds once `safe` is bound.
SlotSet expr_outputs(const ir::Expr& e, const SlotSet& safe);
// The slots an expression uses (inputs and outputs).
SlotSet expr_vars(const ir::Expr& e);

}  // namespace tollgate::rego::compiler
