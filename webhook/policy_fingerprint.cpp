#include "webhook/policy_fingerprint.h"

#include <sys/stat.h>

#include <algorithm>
#include <filesystem>
#include <set>
#include <system_error>

#include "policies/model/loader.h"

namespace tollgate::webhook {
namespace {

namespace fs = std::filesystem;

// Through symlinks, like the loader reads: a ConfigMap volume's files are
// links into `..data/`, which the kubelet swaps; the file behind is then
// another inode, even when its size and time happen to be the same.
void add_stamp(const std::string& path, PolicyFingerprint& out) {
  struct stat info {};
  if (::stat(path.c_str(), &info) != 0) return;
  out.push_back({path, static_cast<uintmax_t>(info.st_size),
                 static_cast<int64_t>(info.st_mtim.tv_sec) * 1'000'000'000 + info.st_mtim.tv_nsec,
                 static_cast<uint64_t>(info.st_dev), static_cast<uint64_t>(info.st_ino)});
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

std::vector<std::string> policy_watch_folders(const std::vector<std::string>& paths) {
  std::set<std::string> folders;
  auto add = [&](const fs::path& folder) {
    std::error_code ec;
    if (fs::is_directory(folder, ec)) folders.insert(folder.lexically_normal().string());
  };
  for (const std::string& given : paths) {
    std::error_code ec;
    fs::path path = fs::absolute(given, ec);
    if (ec) continue;
    policies::PolicyTree tree = policies::walk_policy_tree(path.string(), ec);
    for (const std::string& folder : tree.directories) add(folder);
    // A file, or a path not there yet: its folder sees it replaced or created.
    if (tree.directories.empty()) add(path.parent_path());
    fs::path prefix;
    for (const fs::path& part : path) {
      prefix /= part;
      std::error_code link_ec;
      if (fs::is_symlink(prefix, link_ec)) add(prefix.parent_path());
    }
  }
  return {folders.begin(), folders.end()};
}

}  // namespace tollgate::webhook
