// A cheap summary of the policy files under the --policies paths: the path,
// size, modification time and identity (device, inode) of every
// .yaml/.yml/.json file, found the way PolicySet::load finds them and stamped
// through symlinks. Two fingerprints differ when a file was written, added,
// removed, renamed, or replaced behind a link (a ConfigMap's `..data` swap, a
// git-sync `current` switch), without reading any file.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace tollgate::webhook {

struct PolicyFileStamp {
  std::string path;
  uintmax_t size = 0;
  int64_t modified_ns = 0;  // since the epoch
  uint64_t device = 0;
  uint64_t inode = 0;
  bool operator==(const PolicyFileStamp&) const = default;
};

// Sorted by path. A path that does not exist (or cannot be read) leaves no
// stamp, so its appearance later counts as a change.
using PolicyFingerprint = std::vector<PolicyFileStamp>;

PolicyFingerprint fingerprint_policy_files(const std::vector<std::string>& paths);

// The folders whose entries decide what fingerprint_policy_files sees, to
// watch with inotify: every directory walked, the folder of a path that is a
// file, and the folder holding each symlink along a path (the `current` of a
// git-sync root). A ConfigMap volume's folder is among them, and with it the
// `..data` link the kubelet swaps. Watched as folders, not files, because
// files are replaced rather than written. Absolute, sorted, without duplicates.
std::vector<std::string> policy_watch_folders(const std::vector<std::string>& paths);

}  // namespace tollgate::webhook
