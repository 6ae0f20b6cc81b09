// A cheap summary of the policy files under the --policies paths: the path,
// size and modification time of every .yaml/.yml/.json file, found the way
// PolicySet::load finds them. Two fingerprints differ when a file was
// written, added, removed or renamed, without reading any file.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace tollgate::webhook {

struct PolicyFileStamp {
  std::string path;
  uintmax_t size = 0;
  int64_t modified_ns = 0;  // since the file clock's epoch
  bool operator==(const PolicyFileStamp&) const = default;
};

// Sorted by path. A path that does not exist (or cannot be read) leaves no
// stamp, so its appearance later counts as a change.
using PolicyFingerprint = std::vector<PolicyFileStamp>;

PolicyFingerprint fingerprint_policy_files(const std::vector<std::string>& paths);

}  // namespace tollgate::webhook
