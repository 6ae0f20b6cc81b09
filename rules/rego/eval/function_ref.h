// A non-owning reference to a callable, for continuations. The evaluator
// passes "what to do next" down the stack on every step; std::function
// would allocate for captures beyond its small buffer, this never does. The
// referenced callable must outlive the call (continuations are lambdas on
// the caller's stack, so it does).
#pragma once

#include <type_traits>
#include <utility>

namespace tollgate::rego::eval {

template <class Signature>
class FunctionRef;

template <class R, class... Args>
class FunctionRef<R(Args...)> {
 public:
  template <class F, class = std::enable_if_t<!std::is_same_v<std::decay_t<F>, FunctionRef>>>
  FunctionRef(F&& f) noexcept  // NOLINT: implicit by design, like std::function
      : object_(const_cast<void*>(static_cast<const void*>(&f))),
        call_([](void* o, Args... args) -> R {
          return (*static_cast<std::remove_reference_t<F>*>(o))(std::forward<Args>(args)...);
        }) {}

  R operator()(Args... args) const { return call_(object_, std::forward<Args>(args)...); }

 private:
  void* object_;
  R (*call_)(void*, Args...);
};

}  // namespace tollgate::rego::eval
