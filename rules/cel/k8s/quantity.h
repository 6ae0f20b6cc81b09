// Kubernetes resource.Quantity (k8s.io/apimachinery/pkg/api/resource), exact:
// the same parser, the same two internal representations (an int64 value
// with a base-10 scale, or an arbitrary-precision decimal when that does not
// fit), the same canonical text and the same arithmetic. Observable details
// that depend on the representation are kept, e.g. quantity('1000m') is not
// an integer for AsInt64, and the parsed text is reused as the string form
// when Kubernetes considers it canonical.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "rules/cel/k8s/big_int.h"

namespace tollgate::cel::k8s {

enum class QuantityFormat : uint8_t {
  DecimalExponent,  // 12e6
  BinarySI,         // 12Mi
  DecimalSI,        // 12M
};

class Quantity {
 public:
  // resource.ParseQuantity. On failure returns nullopt and, if error is given,
  // Go's message ("quantities must match the regular expression ...",
  // "unable to parse quantity's suffix", "unable to parse numeric part of quantity").
  static std::optional<Quantity> parse(std::string_view text, std::string* error = nullptr);
  // resource.NewQuantity(value, format).
  static Quantity from_int64(int64_t value, QuantityFormat format);

  QuantityFormat format() const { return format_; }
  // Quantity.String(): canonical form in the quantity's format family.
  std::string to_string() const;
  int sign() const;
  bool is_zero() const { return sign() == 0; }
  // Exact numeric comparison: -1, 0, 1.
  int compare(const Quantity& other) const;
  // Quantity.AsInt64(): a value only when the int64 representation holds a
  // whole number at a non-negative scale that fits.
  std::optional<int64_t> as_int64() const;
  // Quantity.AsApproximateFloat64().
  double as_approximate_float() const;
  // Quantity.Add / Quantity.Sub. nullopt only when the exact result would need
  // an unreasonably large number of digits (Go would exhaust memory).
  std::optional<Quantity> add(const Quantity& other) const;
  std::optional<Quantity> sub(const Quantity& other) const;

 private:
  // value = unscaled * 10^exponent
  struct Decimal {
    BigInt unscaled;
    int64_t exponent = 0;
  };
  Decimal to_decimal() const;
  bool try_int64_add(int64_t value, int32_t scale);
  static std::optional<Quantity> decimal_sum(Quantity base, const Decimal& a, const Decimal& b);
  static std::optional<Quantity> parse_decimal_fallback(bool positive, std::string_view number, int base,
                                                        int32_t exponent, QuantityFormat format, std::string* error);

  QuantityFormat format_ = QuantityFormat::DecimalSI;
  bool is_decimal_ = false;
  int64_t value_ = 0;  // int64Amount: value_ * 10^scale_
  int32_t scale_ = 0;
  Decimal decimal_;    // inf.Dec form, when is_decimal_
  std::string text_;   // parsed text reused as String() when it was already canonical
};

}  // namespace tollgate::cel::k8s
