// The CEL function registry: every function an Environment knows, as typed
// overloads with a plain function pointer implementation.
//
// How a library registers itself: write a free function taking the registry,
//
//   void register_quantity_library(FunctionRegistry& r) {
//     r.add_type("kubernetes.Quantity");
//     const CelType quantity = CelType::opaque("kubernetes.Quantity");
//     r.add_global("quantity", "string_to_quantity", {CelType::string()}, quantity,
//                  [](std::span<const Value> a) -> Result { ... });
//     r.add_member("isInteger", "quantity_is_integer", {quantity}, CelType::bool_(),
//                  [](std::span<const Value> a) -> Result { ... a[0] is the receiver ... });
//   }
//
// and have Environment::kubernetes() call it (see rules/cel/k8s/k8s_libraries.h).
//
// Overloads are chosen by name, call style (global `f(x)` or receiver
// `x.f()`), argument count and argument types. The planner resolves them at
// compile time when the static argument types allow, and otherwise keeps the
// candidate list for a dispatch on runtime argument kinds. Implementations are
// only called with arguments that match the declared types (a `dyn`
// parameter accepts anything, an opaque type accepts values whose
// OpaqueValue::type_name() equals the type name), and never with errors:
// errors propagate before the call.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "rules/cel/cel_types.h"
#include "rules/cel/static_type.h"

namespace tollgate::cel {

// The implementation: receives the receiver first for receiver-style calls.
using FunctionImpl = Result (*)(std::span<const Value> args);

// Runtime cost of one call (cel-go model); when absent the call costs 1.
using CostFunction = uint64_t (*)(std::span<const Value> args, const Result& result);

// Checked at compile time when every argument is a literal; returns an error
// message to reject the expression (Kubernetes rejects bad constant regexes,
// durations and timestamps when compiling).
using ConstantCheck = std::optional<std::string> (*)(std::span<const Value> args);

enum class CallStyle : uint8_t { Global, Receiver };

struct Overload {
  std::string function;       // "startsWith", "_+_", "quantity"
  std::string id;             // unique, e.g. "string_starts_with"
  CallStyle style = CallStyle::Global;
  std::vector<CelType> args;  // receiver first for CallStyle::Receiver
  CelType result;
  FunctionImpl impl = nullptr;
  CostFunction cost = nullptr;
  ConstantCheck constant_check = nullptr;
  // Pure functions of their arguments may be folded when all arguments are constants.
  bool pure = true;
};

class FunctionRegistry {
 public:
  void add(Overload overload);
  void add_global(std::string function, std::string id, std::vector<CelType> args, CelType result, FunctionImpl impl,
                  CostFunction cost = nullptr);
  void add_member(std::string function, std::string id, std::vector<CelType> args, CelType result, FunctionImpl impl,
                  CostFunction cost = nullptr);

  // Declares a type name usable as a value (`type(q) == kubernetes.Quantity`).
  void add_type(std::string name);

  // Overloads of one function name (both call styles), in registration order.
  const std::vector<Overload>* find(std::string_view function) const;
  bool has_type(std::string_view name) const;
  // Every function name, for diagnostics.
  std::vector<std::string> function_names() const;

 private:
  std::map<std::string, std::vector<Overload>, std::less<>> functions_;
  std::vector<std::string> types_;
};

// Runtime check of one value against a declared parameter type (used by the
// dynamic dispatch and available to libraries).
bool value_matches_type(const Value& v, const CelType& t);

}  // namespace tollgate::cel
