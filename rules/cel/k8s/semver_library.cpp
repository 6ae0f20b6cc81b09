// Kubernetes' semver CEL library (k8s.io/apiserver/pkg/cel/library/semverlib.go).
#include <optional>

#include "rules/cel/k8s/k8s_libraries.h"
#include "rules/cel/k8s/k8s_values.h"

namespace tollgate::cel {
namespace {

const k8s::Semver& semver_of(const Value& v) { return v.opaque_as<SemverValue>()->semver(); }

Result parse_semver(const Value& text, bool normalize) {
  std::string error;
  std::optional<k8s::Semver> v = k8s::Semver::parse(text.as_string(), normalize, &error);
  if (!v) return make_error(error);
  Value out = Value::make_opaque<SemverValue>(*v);
  return out;
}

Result semver_from_string(std::span<const Value> a) { return parse_semver(a[0], false); }
Result semver_from_string_normalize(std::span<const Value> a) { return parse_semver(a[0], a[1].as_bool()); }
Result is_semver(std::span<const Value> a) { return Value::boolean(k8s::Semver::parse(a[0].as_string()).has_value()); }
Result is_semver_normalize(std::span<const Value> a) {
  return Value::boolean(k8s::Semver::parse(a[0].as_string(), a[1].as_bool()).has_value());
}

// Go converts the uint64 components with int64(), which wraps.
Result semver_major(std::span<const Value> a) { return Value::integer(int64_t(semver_of(a[0]).major())); }
Result semver_minor(std::span<const Value> a) { return Value::integer(int64_t(semver_of(a[0]).minor())); }
Result semver_patch(std::span<const Value> a) { return Value::integer(int64_t(semver_of(a[0]).patch())); }

Result semver_is_greater_than(std::span<const Value> a) {
  return Value::boolean(semver_of(a[0]).compare(semver_of(a[1])) == 1);
}
Result semver_is_less_than(std::span<const Value> a) {
  return Value::boolean(semver_of(a[0]).compare(semver_of(a[1])) == -1);
}
Result semver_compare_to(std::span<const Value> a) { return Value::integer(semver_of(a[0]).compare(semver_of(a[1]))); }

}  // namespace

void register_semver_library(FunctionRegistry& r) {
  r.add_type(std::string(kSemverTypeName));
  const CelType semver = CelType::opaque(std::string(kSemverTypeName));
  const CelType str = CelType::string();
  const CelType boolean = CelType::bool_();
  const CelType integer = CelType::int_();

  r.add_global("semver", "string_to_semver", {str}, semver, semver_from_string);
  r.add_global("semver", "string_bool_to_semver", {str, boolean}, semver, semver_from_string_normalize);
  r.add_global("isSemver", "is_semver_string", {str}, boolean, is_semver);
  r.add_global("isSemver", "is_semver_string_bool", {str, boolean}, boolean, is_semver_normalize);
  r.add_member("isGreaterThan", "semver_is_greater_than", {semver, semver}, boolean, semver_is_greater_than);
  r.add_member("isLessThan", "semver_is_less_than", {semver, semver}, boolean, semver_is_less_than);
  r.add_member("compareTo", "semver_compare_to", {semver, semver}, integer, semver_compare_to);
  r.add_member("major", "semver_major", {semver}, integer, semver_major);
  r.add_member("minor", "semver_minor", {semver}, integer, semver_minor);
  r.add_member("patch", "semver_patch", {semver}, integer, semver_patch);
}

}  // namespace tollgate::cel
