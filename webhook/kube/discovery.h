// Discovery: which resource (plural name, namespaced or not) serves a
// {group, version, kind}, from /api/v1 or /apis/<group>/<version>, as
// Gatekeeper's sync and audit find what to list.
#pragma once

#include <string>

#include "policies/policy_set.h"
#include "webhook/kube/api_client.h"
#include "webhook/kube/reflector.h"

namespace tollgate::webhook::kube {

// False with *error when the API server does not serve the kind (or could
// not be asked); subresources ("ingresses/status") are never chosen.
bool discover_resource(ApiClient& client, const policies::SyncKind& kind, ResourceRef* out, std::string* error);

}  // namespace tollgate::webhook::kube
