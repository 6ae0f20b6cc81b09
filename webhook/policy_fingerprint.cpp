#include "webhook/policy_fingerprint.h"

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <system_error>

#include "policies/model/loader.h"

namespace tollgate::webhook {
namespace {

namespace fs = std::filesystem;

// Follows symlinks like the loader does: a ConfigMap volume swaps its
// `..data` link on update, which changes the resolved file's time.
void add_stamp(const fs::path& path, PolicyFingerprint& out) {
  std::error_code ec;
  uintmax_t size = fs::file_size(path, ec);
  if (ec) return;
  fs::file_time_type modified = fs::last_write_time(path, ec);
  if (ec) return;
  auto since_epoch = std::chrono::duration_cast<std::chrono::nanoseconds>(modified.time_since_epoch());
  out.push_back({path.string(), size, static_cast<int64_t>(since_epoch.count())});
}

}  // namespace

PolicyFingerprint fingerprint_policy_files(const std::vector<std::string>& paths) {
  PolicyFingerprint fingerprint;
  for (const std::string& path : paths) {
    std::error_code ec;
    for (const std::string& file : policies::list_policy_files(path, ec)) add_stamp(file, fingerprint);
  }
  std::sort(fingerprint.begin(), fingerprint.end(),
            [](const PolicyFileStamp& a, const PolicyFileStamp& b) { return a.path < b.path; });
  return fingerprint;
}

}  // namespace tollgate::webhook
