// Kubernetes' named-format CEL library (k8s.io/apiserver/pkg/cel/library/format.go).
#include <utility>

#include "rules/cel/k8s/k8s_libraries.h"
#include "rules/cel/k8s/k8s_values.h"

namespace tollgate::cel {
namespace {

using k8s::NamedFormat;

// One shared value per format, as Kubernetes' ConstantFormats.
const Value& format_value(size_t index) {
  static const std::vector<Value> values = [] {
    std::vector<Value> out;
    for (const auto& f : NamedFormat::all()) out.push_back(Value::make_opaque<NamedFormatValue>(&f));
    return out;
  }();
  return values[index];
}

template <size_t Index>
Result format_constant(std::span<const Value>) {
  return format_value(Index);
}

Result format_named(std::span<const Value> a) {
  auto all = NamedFormat::all();
  for (size_t i = 0; i < all.size(); ++i) {
    if (all[i].name() == a[0].as_string()) return optional_of(format_value(i));
  }
  return optional_none();
}

Result format_validate(std::span<const Value> a) {
  auto messages = a[0].opaque_as<NamedFormatValue>()->format().validate(a[1].as_string());
  if (messages.empty()) return optional_none();
  std::vector<Value> items;
  items.reserve(messages.size());
  for (auto& m : messages) items.push_back(Value::string(std::move(m)));
  return optional_of(Value::array(std::move(items)));
}

template <size_t... Index>
void register_constants(FunctionRegistry& r, const CelType& format, std::index_sequence<Index...>) {
  auto all = NamedFormat::all();
  (r.add_global("format." + std::string(all[Index].name()), "format." + std::string(all[Index].name()), {}, format,
                format_constant<Index>),
   ...);
}

}  // namespace

void register_format_library(FunctionRegistry& r) {
  r.add_type(std::string(kNamedFormatTypeName));
  const CelType format = CelType::opaque(std::string(kNamedFormatTypeName));
  const CelType str = CelType::string();

  r.add_member("validate", "format-validate", {format, str}, CelType::optional(CelType::list(str)), format_validate);
  r.add_global("format.named", "format-named", {str}, CelType::optional(format), format_named);
  register_constants(r, format, std::make_index_sequence<k8s::kNamedFormatCount>{});
}

}  // namespace tollgate::cel
