// Which kinds are cluster-scoped, for commands that place manifests the way
// kubectl does (`tollgate mutate -n`, `tollgate test -n`): kubectl puts a
// namespaced object that names no namespace into the current one and leaves
// a cluster-scoped one without. With no API server to ask, the built-in
// Kubernetes kinds and Gatekeeper's own are known here; any other kind is
// taken as namespaced, as most custom resources are.
#pragma once

#include <string_view>

namespace tollgate::policies {

bool is_cluster_scoped_kind(std::string_view group, std::string_view kind);

}  // namespace tollgate::policies
