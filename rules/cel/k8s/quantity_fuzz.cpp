// libFuzzer target: Kubernetes quantities (resource.ParseQuantity) and what
// CEL's quantity library does with them. A text either parses or gets Go's
// error message; a parsed quantity's canonical text parses again and is a
// fixed point after one round (String() may round a BinarySI fraction up,
// as Kubernetes does), and q - q is zero.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <optional>
#include <string>
#include <string_view>

#include "rules/cel/k8s/quantity.h"

using tollgate::cel::k8s::Quantity;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  std::string error;
  std::optional<Quantity> q = Quantity::parse(text, &error);
  if (!q) {
    if (error.empty()) std::abort();
    return 0;
  }
  std::string printed = q->to_string();
  std::optional<Quantity> again = Quantity::parse(printed);
  if (!again) std::abort();
  std::string reprinted = again->to_string();
  std::optional<Quantity> third = Quantity::parse(reprinted);
  if (!third || third->to_string() != reprinted || third->compare(*again) != 0) std::abort();

  (void)q->as_int64();
  (void)q->as_approximate_float();
  if (q->compare(*q) != 0) std::abort();
  std::optional<Quantity> sum = q->add(*again);
  if (sum) (void)sum->to_string();
  std::optional<Quantity> zero = q->sub(*q);
  if (zero && !zero->is_zero()) std::abort();
  return 0;
}
