// CEL values for the Kubernetes library types: opaque extension values that
// wrap the pure C++ models (Quantity, URL, IP, CIDR, Semver, NamedFormat).
// Equality is semantic where Kubernetes' is (quantity('1') == quantity('1000m'),
// semver ignores build metadata).
#pragma once

#include <string>
#include <string_view>

#include "rules/cel/k8s/cidr.h"
#include "rules/cel/k8s/format.h"
#include "rules/cel/k8s/ip.h"
#include "rules/cel/k8s/quantity.h"
#include "rules/cel/k8s/semver.h"
#include "rules/cel/k8s/url.h"
#include "rules/value/value.h"

namespace tollgate::cel {

inline constexpr std::string_view kQuantityTypeName = "kubernetes.Quantity";
inline constexpr std::string_view kURLTypeName = "kubernetes.URL";
inline constexpr std::string_view kIPTypeName = "net.IP";
inline constexpr std::string_view kCIDRTypeName = "net.CIDR";
inline constexpr std::string_view kSemverTypeName = "kubernetes.Semver";
inline constexpr std::string_view kNamedFormatTypeName = "kubernetes.NamedFormat";

class QuantityValue final : public value::OpaqueValue {
 public:
  explicit QuantityValue(k8s::Quantity q) : quantity_(std::move(q)) {}
  const k8s::Quantity& quantity() const { return quantity_; }
  std::string_view type_name() const override { return kQuantityTypeName; }
  bool equals(const OpaqueValue& other) const override;
  int compare(const OpaqueValue& other) const override;
  std::string debug_string() const override { return quantity_.to_string(); }

 private:
  k8s::Quantity quantity_;
};

class URLValue final : public value::OpaqueValue {
 public:
  explicit URLValue(k8s::URL url) : url_(std::move(url)) {}
  const k8s::URL& url() const { return url_; }
  std::string_view type_name() const override { return kURLTypeName; }
  bool equals(const OpaqueValue& other) const override;  // by URL.String(), as Kubernetes
  std::string debug_string() const override { return url_.to_string(); }

 private:
  k8s::URL url_;
};

class IPValue final : public value::OpaqueValue {
 public:
  explicit IPValue(k8s::IPAddress ip) : ip_(ip) {}
  const k8s::IPAddress& ip() const { return ip_; }
  std::string_view type_name() const override { return kIPTypeName; }
  bool equals(const OpaqueValue& other) const override;
  int compare(const OpaqueValue& other) const override;
  std::string debug_string() const override { return ip_.to_string(); }

 private:
  k8s::IPAddress ip_;
};

class CIDRValue final : public value::OpaqueValue {
 public:
  explicit CIDRValue(k8s::CIDR cidr) : cidr_(cidr) {}
  const k8s::CIDR& cidr() const { return cidr_; }
  std::string_view type_name() const override { return kCIDRTypeName; }
  bool equals(const OpaqueValue& other) const override;  // address and length, unmasked
  std::string debug_string() const override { return cidr_.to_string(); }

 private:
  k8s::CIDR cidr_;
};

class SemverValue final : public value::OpaqueValue {
 public:
  explicit SemverValue(k8s::Semver v) : semver_(std::move(v)) {}
  const k8s::Semver& semver() const { return semver_; }
  std::string_view type_name() const override { return kSemverTypeName; }
  bool equals(const OpaqueValue& other) const override;
  int compare(const OpaqueValue& other) const override;
  std::string debug_string() const override { return semver_.to_string(); }

 private:
  k8s::Semver semver_;
};

class NamedFormatValue final : public value::OpaqueValue {
 public:
  explicit NamedFormatValue(const k8s::NamedFormat* format) : format_(format) {}
  const k8s::NamedFormat& format() const { return *format_; }
  std::string_view type_name() const override { return kNamedFormatTypeName; }
  bool equals(const OpaqueValue& other) const override;
  std::string debug_string() const override { return std::string(format_->display_name()); }

 private:
  const k8s::NamedFormat* format_;
};

}  // namespace tollgate::cel
