#include "rules/cel/k8s/k8s_values.h"

namespace tollgate::cel {
namespace {

int sign_of(int c) { return c < 0 ? -1 : (c > 0 ? 1 : 0); }

}  // namespace

bool QuantityValue::equals(const OpaqueValue& other) const {
  return quantity_.compare(static_cast<const QuantityValue&>(other).quantity_) == 0;
}
int QuantityValue::compare(const OpaqueValue& other) const {
  return quantity_.compare(static_cast<const QuantityValue&>(other).quantity_);
}

bool URLValue::equals(const OpaqueValue& other) const {
  return url_.to_string() == static_cast<const URLValue&>(other).url_.to_string();
}

bool IPValue::equals(const OpaqueValue& other) const { return ip_ == static_cast<const IPValue&>(other).ip_; }
int IPValue::compare(const OpaqueValue& other) const {
  return ip_.compare(static_cast<const IPValue&>(other).ip_);
}

bool CIDRValue::equals(const OpaqueValue& other) const {
  return cidr_ == static_cast<const CIDRValue&>(other).cidr_;
}

bool SemverValue::equals(const OpaqueValue& other) const {
  return semver_.compare(static_cast<const SemverValue&>(other).semver_) == 0;
}
int SemverValue::compare(const OpaqueValue& other) const {
  return sign_of(semver_.compare(static_cast<const SemverValue&>(other).semver_));
}

bool NamedFormatValue::equals(const OpaqueValue& other) const {
  return format_->name() == static_cast<const NamedFormatValue&>(other).format_->name();
}

}  // namespace tollgate::cel
