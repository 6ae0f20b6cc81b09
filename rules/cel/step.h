// The executable form of a planned CEL expression: a tree of small step
// objects, each evaluating one node with names already resolved to slots and
// overloads already resolved to function pointers.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "rules/cel/cel.h"
#include "rules/cel/cel_types.h"

namespace tollgate::cel {

// One comprehension variable. Iteration variables borrow the element (`ref`)
// from the range value the loop keeps alive; the accumulator owns its value
// and may hold an error (absorbed later by && / || folds).
struct Slot {
  const Value* ref = nullptr;
  Value own;
  std::shared_ptr<const ErrorInfo> error;

  void set_borrowed(const Value* v) {
    ref = v;
    error.reset();
  }
  void set(Result r) {
    if (r.is_error()) {
      error = r.error_info();
      ref = nullptr;
    } else {
      own = r.take();
      ref = &own;
      error.reset();
    }
  }
};

struct EvalContext {
  const Activation* activation = nullptr;
  Slot* slots = nullptr;
  uint64_t cost = 0;
  uint64_t cost_limit = UINT64_MAX;
  bool over_budget() const { return cost > cost_limit; }
};

inline const char* kCostLimitExceeded = "operation cancelled: actual cost limit exceeded";

class Step {
 public:
  virtual ~Step() = default;
  virtual Result eval(EvalContext& c) const = 0;
  // Evaluates to a borrowed value when the step can (identifiers, field
  // selections); otherwise stores the result in `tmp`. Returns nullptr on
  // error, with the error in `tmp`.
  virtual const Value* eval_ref(EvalContext& c, Result& tmp) const {
    tmp = eval(c);
    return tmp.is_error() ? nullptr : &tmp.value();
  }
  // The literal value of a constant step, or nullptr.
  virtual const Value* constant() const { return nullptr; }
};

using StepPtr = std::unique_ptr<Step>;

}  // namespace tollgate::cel
