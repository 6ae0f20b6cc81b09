// The Kubernetes CEL libraries (k8s.io/apiserver pkg/cel/library), each
// registering its functions and types into a FunctionRegistry.
// Environment::kubernetes() calls all of them; see rules/cel/function_registry.h
// for how overloads are declared.
#pragma once

#include "rules/cel/function_registry.h"

namespace tollgate::cel {

// quantity(), isQuantity(), Quantity methods and sign(); type kubernetes.Quantity.
void register_quantity_library(FunctionRegistry& registry);
// url(), isURL(), URL accessors; type kubernetes.URL.
void register_url_library(FunctionRegistry& registry);
// ip(), isIP(), ip.isCanonical(), cidr(), isCIDR() and their methods; types net.IP, net.CIDR.
void register_ip_library(FunctionRegistry& registry);
// semver(), isSemver() and Semver methods; type kubernetes.Semver.
void register_semver_library(FunctionRegistry& registry);
// format.named() and the named format constructors, validate(); type kubernetes.NamedFormat.
void register_format_library(FunctionRegistry& registry);

}  // namespace tollgate::cel
