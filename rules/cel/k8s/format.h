// The named string formats of the Kubernetes CEL format library
// (format.named('dns1123Label').validate(s)): each returns the validation
// messages apimachinery / kube-openapi produce, empty when the string is valid.
#pragma once

#include <cstddef>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace tollgate::cel::k8s {

// How many named formats the library defines.
inline constexpr size_t kNamedFormatCount = 13;

class NamedFormat {
 public:
  using Validator = std::vector<std::string> (*)(std::string_view);

  // By library name ("dns1123Label", "uri", "datetime", ...); nullptr if unknown.
  static const NamedFormat* find(std::string_view name);
  static std::span<const NamedFormat> all();

  // The library name, also the function name: format.<name>().
  std::string_view name() const { return name_; }
  // Kubernetes' Format.Name, e.g. "DNS1123Label".
  std::string_view display_name() const { return display_name_; }
  std::vector<std::string> validate(std::string_view value) const { return validator_(value); }

  constexpr NamedFormat(std::string_view name, std::string_view display_name, Validator validator)
      : name_(name), display_name_(display_name), validator_(validator) {}

 private:
  std::string_view name_;
  std::string_view display_name_;
  Validator validator_;
};

// The apimachinery validators behind the formats, usable on their own.
std::vector<std::string> is_dns1123_label(std::string_view value);
std::vector<std::string> is_dns1123_subdomain(std::string_view value);
std::vector<std::string> is_dns1035_label(std::string_view value);
std::vector<std::string> is_qualified_name(std::string_view value);
std::vector<std::string> is_label_value(std::string_view value);

}  // namespace tollgate::cel::k8s
